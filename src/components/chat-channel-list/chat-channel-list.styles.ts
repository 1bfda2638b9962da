import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }

  ul {
    margin: 0;
    padding: 0.25em 0;
    list-style: none;
  }

  button {
    display: flex;
    align-items: center;
    gap: 0.5em;
    width: 100%;
    padding: 0.6em 0.75em;
    border-radius: 0;
    border-left: 3px solid transparent;
    text-align: start;
  }

  /* Inset, so the ring is not clipped by a scrolling parent. */
  button:focus-visible {
    outline-offset: -2px;
  }

  button:hover {
    background: var(--_surface, #f1f3f5);
  }

  button[aria-current='true'] {
    background: var(--_surface, #f1f3f5);
    border-left-color: var(--_accent, #0550ae);
    font-weight: 600;
  }

  .name {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .badge {
    min-width: 1.5em;
    padding: 0 0.4em;
    border-radius: 1em;
    background: var(--_accent, #0550ae);
    color: var(--_accent-fg, #ffffff);
    font-size: 0.8em;
    font-weight: 600;
    line-height: 1.5em;
    text-align: center;
  }

  .status {
    margin: 0;
    padding: 1em 0.75em;
    color: var(--_muted, #5b6570);
  }
`;
