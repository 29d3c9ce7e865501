import { css } from 'lit';

export const kioskStyles = css`
  :host {
    display: block;
    min-height: 100dvh;
    box-sizing: border-box;
    padding: 1rem;
    position: relative;
    --aperto-chat-height: calc(100dvh - 6rem);
  }
  main {
    max-width: 80rem;
    margin: 0 auto;
  }
  .status,
  .problems {
    max-width: 80rem;
    margin: 0 auto 1rem;
    padding: 0.75rem 1rem;
    border-radius: 0.5rem;
    background: var(--_surface);
  }
  .problems p {
    margin: 0 0 0.4rem;
  }
  .error {
    border-inline-start: 0.3rem solid var(--_danger);
  }
  .recovering {
    border-inline-start: 0.3rem solid var(--_warn);
  }
  /* Invisible, but a real button: the documented way into the hidden settings. */
  .corner {
    position: fixed;
    top: 0;
    right: 0;
    width: 4rem;
    height: 4rem;
    opacity: 0;
    border: 0;
    padding: 0;
    touch-action: none;
  }
  .settings {
    position: fixed;
    inset: 10% 10% auto;
    padding: 1.5rem;
    border-radius: 0.75rem;
    background: var(--_bg, Canvas);
    color: var(--_fg, CanvasText);
    box-shadow: 0 1rem 3rem #0008;
    z-index: 10;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.3rem 1rem;
  }
  dd {
    margin: 0;
  }
  .start p {
    margin: 0 0 0.75rem;
  }
  .start button {
    font-size: 1.15rem;
    padding: 0.7rem 1.2rem;
  }
  .muted {
    color: var(--_muted);
  }
  input[type='password'] {
    font-size: 1.5rem;
    padding: 0.4rem 0.6rem;
    width: min(100%, 14rem);
    letter-spacing: 0.2em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
`;
