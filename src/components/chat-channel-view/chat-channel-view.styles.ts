import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 0;
    background: var(--_bg, #ffffff);
  }

  header {
    display: flex;
    align-items: center;
    gap: 0.25em;
    padding: 0.35em 0.5em;
    border-bottom: 1px solid var(--_border, #d5dae0);
  }

  .back {
    display: inline-grid;
    place-items: center;
    padding: 0.4em;
  }

  .back:hover {
    background: var(--_surface, #f1f3f5);
  }

  h2 {
    flex: 1;
    min-width: 0;
    margin: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-size: 1em;
    font-weight: 600;
  }

  .log {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    /* Prepending a page is compensated by hand; native anchoring would do it twice. */
    overflow-anchor: none;
    overscroll-behavior: contain;
    padding: 0.5em 0;
  }

  .log:focus-visible {
    outline-offset: -2px;
  }

  .note {
    margin: 0;
    padding: 0.5em 0.75em;
    color: var(--_muted, #5b6570);
    text-align: center;
    font-size: 0.9em;
  }

  /* Kept in the tree (not display: none) so the status region announces what appears in it. */
  .note:empty {
    padding: 0;
  }

  .error {
    background: var(--_error-bg, #fde7e7);
    color: var(--_error-fg, #8a1111);
  }

  /* The shared button base (tokens.styles.ts) does the rest. */
  .retry {
    margin-inline-start: 0.5em;
    border-color: currentColor;
    padding: 0 0.6em;
  }
`;
