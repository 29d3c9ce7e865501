import { css } from 'lit';

export const appStyles = css`
  :host {
    display: grid;
    grid-template-rows: auto minmax(0, 1fr);
    /* No view is ever wider than the window: long unbroken text wraps where it is shown. */
    grid-template-columns: minmax(0, 1fr);
    min-height: 100dvh;
    background: var(--_bg);
  }
  /* The chat fills the window exactly, so its message box and Send are always in view; the
     conversation scrolls inside it. Other views grow and the page scrolls. */
  :host([view='chat']) {
    height: 100dvh;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1.5rem;
    padding: 0.6rem clamp(0.75rem, 3vw, 2rem);
    border-bottom: 1px solid var(--_border);
    background: var(--_surface);
    position: sticky;
    top: 0;
    z-index: 1;
    min-width: 0;
  }
  .brand {
    font-weight: 700;
    font-size: 1.25rem;
    letter-spacing: 0.01em;
  }
  nav ul {
    display: flex;
    gap: 0.25rem;
    list-style: none;
    margin: 0;
    padding: 0;
    flex-wrap: wrap;
  }
  nav a {
    display: inline-block;
    padding: 0.4rem 0.8rem;
    border-radius: 8px;
    color: var(--_fg);
    text-decoration: none;
  }
  nav a[aria-current='page'] {
    background: var(--_accent);
    color: var(--_on-accent);
  }
  aperto-status-strip {
    margin-inline-start: auto;
    min-width: 0;
  }
  main {
    padding: clamp(0.75rem, 3vw, 2rem);
    width: 100%;
    max-width: 110rem;
    margin-inline: auto;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  :host([view='chat']) main {
    display: flex;
    flex-direction: column;
    min-height: 0;
  }
  :host([view='chat']) aperto-chat {
    flex: 1 1 0;
    /* Below this the page scrolls rather than squeeze the conversation away. */
    min-height: 16rem;
    --aperto-chat-height: 100%;
  }
  h1 {
    font-size: clamp(1.3rem, 2.5vw, 1.8rem);
    margin-top: 0;
  }
  .notice {
    border-inline-start: 4px solid var(--_warn);
    padding: 0.5rem 0.8rem;
    background: var(--_surface);
    margin: 0 0 1rem;
  }
  aperto-model-proposal {
    margin-bottom: 1rem;
  }
  @media (max-width: 40rem) {
    /* A phone: the header is two short lines (the views, then the engine's state), not a third of
       the screen, and it scrolls away with the page. The view's heading repeats the current tab,
       so in Chat and Translate it is left to screen readers. */
    header {
      position: static;
      gap: 0.3rem 0.5rem;
      padding: 0.4rem 0.6rem;
    }
    .brand {
      font-size: 0.95rem;
    }
    nav ul {
      gap: 0.1rem;
    }
    nav a {
      padding: 0.3rem 0.45rem;
      font-size: 0.92rem;
    }
    aperto-status-strip {
      margin-inline-start: 0;
      flex-basis: 100%;
    }
    main {
      padding: 0.5rem 0.6rem;
    }
    .notice {
      margin-bottom: 0.5rem;
      padding: 0.35rem 0.6rem;
      font-size: 0.9rem;
    }
    :host([view='chat']) h1,
    :host([view='translate']) h1 {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
      margin: 0;
    }
  }
  @media (min-width: 2200px) {
    :host {
      font-size: 1.35rem;
    }
  }
`;
