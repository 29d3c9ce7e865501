import { css } from 'lit';

export const chatStyles = css`
  :host {
    display: block;
    --_chat-height: var(--aperto-chat-height, min(78dvh, 60rem));
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(12rem, 16rem) 1fr;
    gap: 1rem;
    height: var(--_chat-height);
  }
  :host([no-history]) .layout {
    grid-template-columns: 1fr;
  }
  aperto-chat-history {
    overflow-y: auto;
    border-inline-end: 1px solid var(--_border);
    padding-inline-end: 0.75rem;
  }
  .main {
    display: grid;
    grid-template-rows: auto auto 1fr auto;
    min-height: 0;
    position: relative;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4rem;
    padding-bottom: 0.5rem;
  }
  header h2 {
    font-size: 1.05rem;
    margin: 0 auto 0 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 100%;
  }
  header button {
    font-size: 0.85rem;
  }
  .settings {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.8rem;
    margin-bottom: 0.6rem;
  }
  .log {
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    gap: 1rem;
    padding: 0.5rem 0.25rem 1rem;
    min-height: 0;
    overscroll-behavior: contain;
  }
  .empty {
    margin: auto;
    text-align: center;
    color: var(--_muted);
    max-width: 30rem;
  }
  .jump {
    position: absolute;
    inset-inline-end: 1rem;
    bottom: 6.5rem;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
  }
  form.composer {
    display: grid;
    grid-template-columns: 1fr auto auto;
    gap: 0.5rem;
    align-items: end;
    border-top: 1px solid var(--_border);
    padding-top: 0.6rem;
  }
  textarea {
    font: inherit;
    resize: vertical;
    min-height: 2.8rem;
    max-height: 40vh;
    padding: 0.55rem 0.7rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_fg);
  }
  .notice {
    font-size: 0.88rem;
    padding: 0.4rem 0.6rem;
    border-inline-start: 4px solid var(--_warn);
    background: var(--_surface);
    margin-bottom: 0.5rem;
  }
  .offer {
    border: 1px solid var(--_border);
    border-inline-start: 4px solid var(--_warn);
    border-radius: var(--_radius);
    padding: 0.6rem 0.8rem;
    margin-bottom: 0.6rem;
    font-size: 0.9rem;
  }
  .offer p {
    margin: 0 0 0.4rem;
  }
  .proposed-prompt {
    margin: 0 0 0.4rem;
    padding: 0.4rem 0.6rem;
    background: var(--_surface);
    border-radius: var(--_radius);
    /* Shown exactly as written (line breaks, spacing), and never taller than a few lines: up to 20,000 characters. */
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    max-height: 10rem;
    overflow-y: auto;
  }
  .offer-note {
    color: var(--_muted);
  }
  .offer-actions {
    display: flex;
    gap: 0.5rem;
  }
  @media (max-width: 48rem) {
    .layout {
      grid-template-columns: 1fr;
      height: auto;
    }
    aperto-chat-history {
      border-inline-end: none;
      max-height: 12rem;
    }
    .main {
      height: var(--_chat-height);
    }
  }
  :host([no-toolbar]) header button {
    display: none;
  }
`;
