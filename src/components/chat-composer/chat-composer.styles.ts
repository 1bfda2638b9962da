import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }

  form {
    display: flex;
    align-items: flex-end;
    gap: 0.5em;
    margin: 0;
    padding: 0.5em 0.75em;
    border-top: 1px solid var(--_border, #d5dae0);
  }

  textarea {
    flex: 1;
    min-width: 0;
    max-height: var(--chat-widget-composer-max-height, 8em);
    resize: none;
    overflow-y: auto;
    padding: 0.45em 0.6em;
    font: inherit;
    color: inherit;
    background: var(--_bg, #ffffff);
    border: 1px solid var(--_border, #d5dae0);
    border-radius: var(--_radius, 10px);
  }

  textarea::placeholder {
    color: var(--_muted, #5b6570);
  }

  .attach {
    position: relative;
    display: grid;
    place-items: center;
    width: 2.2em;
    height: 2.2em;
    flex: none;
    color: var(--_muted, #5b6570);
    border-radius: var(--_radius, 10px);
    cursor: pointer;
  }

  .attach:hover {
    color: var(--_fg, #1b1f24);
  }

  .attach[data-disabled] {
    opacity: 0.5;
    cursor: default;
  }

  /* The real input covers the label: keyboard focus and screen readers reach it as a file picker. */
  .attach input {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    margin: 0;
    opacity: 0;
    cursor: inherit;
  }

  .attach:focus-within {
    outline: 2px solid var(--_accent, #0550ae);
    outline-offset: 1px;
  }

  button {
    padding: 0.45em 0.9em;
    background: var(--_accent, #0550ae);
    color: var(--_accent-fg, #ffffff);
    border-radius: var(--_radius, 10px);
  }
`;
