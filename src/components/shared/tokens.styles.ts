import { css } from 'lit';

/**
 * What every widget component shares: the theme tokens, resolved once per colour scheme into
 * private `--_*` properties so that each rule needs one `var()` instead of repeating its light
 * and dark fallbacks. The public, documented knobs stay `--chat-widget-*`; a page that sets one
 * sets it for both schemes.
 */
export const tokenStyles = css`
  :host {
    color-scheme: light dark;
    --_accent: var(--chat-widget-accent, #0550ae);
    --_accent-fg: var(--chat-widget-accent-fg, #ffffff);
    --_bg: var(--chat-widget-bg, #ffffff);
    --_fg: var(--chat-widget-fg, #1d2329);
    --_muted: var(--chat-widget-muted, #5b6570);
    --_border: var(--chat-widget-border, #d5dae0);
    --_surface: var(--chat-widget-surface, #f1f3f5);
    --_warning-bg: var(--chat-widget-warning-bg, #fff4d6);
    --_warning-fg: var(--chat-widget-warning-fg, #5c3d00);
    --_error-bg: var(--chat-widget-error-bg, #fde7e7);
    --_error-fg: var(--chat-widget-error-fg, #8a1111);
    --_radius: var(--chat-widget-radius, 10px);
    box-sizing: border-box;
    color: var(--_fg, #1d2329);
    font: var(--chat-widget-font, 14px/1.4 system-ui, -apple-system, 'Segoe UI', sans-serif);
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--chat-widget-accent, #5aa2ff);
      --_accent-fg: var(--chat-widget-accent-fg, #0b1220);
      --_bg: var(--chat-widget-bg, #16191d);
      --_fg: var(--chat-widget-fg, #e7eaee);
      --_muted: var(--chat-widget-muted, #a3adb8);
      --_border: var(--chat-widget-border, #3a4149);
      --_surface: var(--chat-widget-surface, #23282e);
      --_warning-bg: var(--chat-widget-warning-bg, #3d2e00);
      --_warning-fg: var(--chat-widget-warning-fg, #ffe08a);
      --_error-bg: var(--chat-widget-error-bg, #4a1414);
      --_error-fg: var(--chat-widget-error-fg, #ffc9c9);
    }
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
    background: none;
    border: 1px solid transparent;
    border-radius: calc(var(--_radius, 10px) / 2);
    padding: 0.25em 0.6em;
  }

  button:disabled {
    cursor: default;
    opacity: 0.55;
  }

  :focus-visible {
    outline: 2px solid var(--chat-widget-focus-ring, var(--_accent, #0550ae));
    outline-offset: 2px;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
      scroll-behavior: auto !important;
    }
  }
`;
