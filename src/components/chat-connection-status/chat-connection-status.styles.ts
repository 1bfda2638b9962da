import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }

  .banner {
    margin: 0;
    padding: 0.4em 0.75em;
    font-size: 0.9em;
  }

  .warning {
    background: var(--_warning-bg, #fff4d6);
    color: var(--_warning-fg, #5c3d00);
  }

  .error {
    background: var(--_error-bg, #fde7e7);
    color: var(--_error-fg, #8a1111);
  }
`;
