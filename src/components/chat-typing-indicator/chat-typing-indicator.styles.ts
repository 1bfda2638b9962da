import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }

  p {
    margin: 0;
    min-height: 1.4em;
    padding: 0 0.75em;
    font-size: 0.85em;
    font-style: italic;
    color: var(--_muted, #5b6570);
  }
`;
