import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    padding: 0.2em 0.75em;
  }

  :host([own]) {
    justify-content: flex-end;
  }

  article {
    max-width: 85%;
    min-width: 0;
    padding: 0.4em 0.65em;
    border-radius: var(--_radius, 10px);
    border: 1px solid transparent;
    background: var(--_surface, #f1f3f5);
    overflow-wrap: anywhere;
  }

  :host([own]) article {
    background: var(--chat-widget-own-bg, var(--_accent, #0550ae));
    color: var(--chat-widget-own-fg, var(--_accent-fg, #ffffff));
  }

  /* The accent ring would vanish on an accent bubble. */
  :host([own]) article :focus-visible {
    outline-color: currentColor;
  }

  header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.5em;
    font-size: 0.8em;
  }

  .author {
    font-weight: 600;
  }

  time,
  .edited,
  .status {
    opacity: 0.8;
  }

  .body {
    margin: 0.15em 0 0;
    white-space: pre-wrap;
  }

  a {
    color: inherit;
    text-decoration: underline;
  }

  .attachment {
    display: flex;
    gap: 0.4em;
    align-items: center;
    margin: 0.3em 0 0;
    padding: 0.25em 0.5em;
    border: 1px solid currentColor;
    border-radius: calc(var(--_radius, 10px) / 2);
    font-size: 0.85em;
  }

  .filename {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .size {
    opacity: 0.8;
    white-space: nowrap;
  }

  /* Pending is told by a dashed edge and the status text, not by fading: faded text fails contrast. */
  .sending,
  .editing,
  .removing {
    border-style: dashed;
    border-color: currentColor;
  }

  .removing .body {
    text-decoration: line-through;
  }

  .failed {
    outline: 2px solid var(--_error-fg, #8a1111);
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-end;
    gap: 0.25em;
    margin-top: 0.2em;
    font-size: 0.8em;
  }

  .actions button {
    border-color: currentColor;
    padding: 0.1em 0.5em;
  }

  header .actions {
    margin: 0;
    margin-inline-start: auto;
    font-size: 1em;
  }

  .actions .danger {
    background: var(--_error-bg, #fde7e7);
    color: var(--_error-fg, #8a1111);
  }

  @media (hover: hover) {
    .actions.hover {
      opacity: 0;
      transition: opacity 0.15s;
    }

    :host(:hover) .actions.hover,
    .actions.hover:focus-within {
      opacity: 1;
    }
  }

  .editor textarea {
    display: block;
    width: 100%;
    min-width: 12em;
    min-height: 3.5em;
    margin-top: 0.25em;
    padding: 0.3em 0.45em;
    font: inherit;
    color: var(--_fg, #1d2329);
    background: var(--_bg, #ffffff);
    border: 1px solid var(--_border, #d5dae0);
    border-radius: calc(var(--_radius, 10px) / 2);
    resize: vertical;
  }

  .image {
    display: block;
    max-width: 100%;
    max-height: 240px;
    margin-top: 0.3em;
    border-radius: calc(var(--_radius, 10px) - 4px);
  }

  a.attachment {
    color: inherit;
  }
`;
