import { css } from 'lit';

export const styles = css`
  :host {
    --_accent: var(--chat-widget-accent, #2563eb);
    --_bg: var(--chat-widget-bg, Canvas);
    --_fg: var(--chat-widget-fg, CanvasText);
    --_muted: var(--chat-widget-muted, color-mix(in srgb, var(--_fg) 60%, transparent));
    --_border: var(--chat-widget-border, color-mix(in srgb, var(--_fg) 15%, transparent));
    --_radius: var(--chat-widget-radius, 12px);
    color-scheme: light dark;
    display: block;
    font-family: var(--chat-widget-font, system-ui, sans-serif);
    font-size: var(--chat-widget-font-size, 15px);
    line-height: 1.4;
    color: var(--_fg);
  }
  :host([mode='launcher']) {
    position: fixed;
    inset: auto var(--chat-widget-offset-x, 20px) var(--chat-widget-offset-y, 20px) auto;
    z-index: var(--chat-widget-z-index, 2147483000);
  }
  :host([mode='inline']) {
    height: 100%;
    min-height: 320px;
  }
  [hidden] {
    display: none !important;
  }
  button {
    font: inherit;
    color: inherit;
  }
  button:focus-visible,
  .panel:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .launcher {
    position: relative;
    width: 56px;
    height: 56px;
    border: none;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--chat-widget-accent-fg, #fff);
    cursor: pointer;
    display: grid;
    place-items: center;
    box-shadow: 0 4px 16px rgb(0 0 0 / 25%);
  }
  .badge {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 20px;
    height: 20px;
    padding: 0 5px;
    box-sizing: border-box;
    border-radius: 10px;
    background: var(--chat-widget-badge-bg, #dc2626);
    color: var(--chat-widget-badge-fg, #fff);
    font-size: 12px;
    font-weight: 600;
    line-height: 20px;
    text-align: center;
  }
  .panel {
    display: flex;
    flex-direction: column;
    box-sizing: border-box;
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  :host([mode='launcher']) .panel {
    position: absolute;
    right: 0;
    bottom: 72px;
    width: min(var(--chat-widget-width, 360px), calc(100vw - 40px));
    height: min(var(--chat-widget-height, 560px), calc(100vh - 120px));
    box-shadow: 0 12px 40px rgb(0 0 0 / 25%);
  }
  :host([mode='inline']) .panel {
    height: 100%;
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 10px 12px;
    border-bottom: 1px solid var(--_border);
  }
  h2 {
    margin: 0;
    font-size: 1.05em;
    flex: 1;
  }
  .identity {
    color: var(--_muted);
    font-size: 0.85em;
  }
  .close {
    border: none;
    background: none;
    padding: 6px;
    border-radius: 6px;
    cursor: pointer;
    display: grid;
  }
  .error {
    display: flex;
    gap: 8px;
    align-items: center;
    padding: 8px 12px;
    background: var(--chat-widget-error-bg, color-mix(in srgb, #dc2626 15%, var(--_bg)));
    font-size: 0.9em;
  }
  .error span {
    flex: 1;
  }
  .error button {
    border: 1px solid currentColor;
    background: none;
    border-radius: 6px;
    padding: 2px 10px;
    cursor: pointer;
  }
  .loading {
    flex: 1;
    display: flex;
    align-items: center;
    justify-content: center;
    gap: 10px;
    color: var(--_muted);
  }
  .spinner {
    width: 16px;
    height: 16px;
    border: 2px solid var(--_border);
    border-top-color: var(--_accent);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
  chat-channel-list,
  chat-channel-view {
    flex: 1;
    min-height: 0;
  }
`;
