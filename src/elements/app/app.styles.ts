import { css } from 'lit';

export const appStyles = css`
  :host {
    display: grid;
    grid-template-rows: auto 1fr;
    min-height: 100dvh;
    background: var(--_bg);
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
  }
  main {
    padding: clamp(0.75rem, 3vw, 2rem);
    width: 100%;
    max-width: 110rem;
    margin-inline: auto;
  }
  h1 {
    font-size: clamp(1.3rem, 2.5vw, 1.8rem);
    margin-top: 0;
  }
  .notice {
    border-inline-start: 4px solid var(--_warn);
    padding: 0.5rem 0.8rem;
    background: var(--_surface);
    margin-bottom: 1rem;
  }
  aperto-model-proposal {
    margin-bottom: 1rem;
  }
  @media (max-width: 40rem) {
    /* On a phone a sticky three-line header would eat a third of the screen. */
    header {
      position: static;
    }
  }
  @media (min-width: 2200px) {
    :host {
      font-size: 1.35rem;
    }
  }
`;
