import { css } from 'lit';

/**
 * Colours and spacing shared by every element. Public theming goes through `--aperto-*` custom
 * properties; the `--_*` ones are private shorthands. Light and dark follow the system.
 */
export const tokens = css`
  :host {
    color-scheme: light dark;
    --_fg: var(--aperto-fg, light-dark(#1b1d21, #e8eaed));
    --_muted: var(--aperto-muted, light-dark(#5c6270, #a0a6b2));
    --_bg: var(--aperto-bg, light-dark(#ffffff, #14161a));
    --_surface: var(--aperto-surface, light-dark(#f3f4f7, #1f2228));
    --_border: var(--aperto-border, light-dark(#d7dae1, #343842));
    --_accent: var(--aperto-accent, light-dark(#2456d6, #8ab0ff));
    --_on-accent: var(--aperto-on-accent, light-dark(#ffffff, #0b1533));
    --_danger: var(--aperto-danger, light-dark(#b3261e, #ffb4ab));
    --_ok: var(--aperto-ok, light-dark(#1e7a3c, #7fdc9c));
    --_warn: var(--aperto-warn, light-dark(#8a5a00, #ffcf70));
    --_radius: var(--aperto-radius, 10px);
    --_font: var(--aperto-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-family: var(--_font);
    color: var(--_fg);
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button {
    font: inherit;
    border-radius: 8px;
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_fg);
    padding: 0.45em 0.9em;
    cursor: pointer;
    min-height: 2.25rem;
  }
  button.primary {
    background: var(--_accent);
    color: var(--_on-accent);
    border-color: transparent;
  }
  button.danger {
    color: var(--_danger);
  }
  /* Text fields look the same in every element. */
  input:not([type='checkbox'], [type='radio'], [type='file']),
  select,
  textarea {
    font: inherit;
    padding: 0.4rem 0.6rem;
    border-radius: 8px;
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_fg);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button:focus-visible,
  a:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .muted {
    color: var(--_muted);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
