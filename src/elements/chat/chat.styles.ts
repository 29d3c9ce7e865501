import { css } from 'lit';

export const chatStyles = css`
  :host {
    display: block;
    --_chat-height: var(--aperto-chat-height, min(78dvh, 60rem));
  }
  /* Every track is minmax(0, …): a long unbroken word (a URL, "WWWW…" from a model, a title made
     of one) wraps inside its bubble instead of widening the chat past the window. */
  .layout {
    display: grid;
    grid-template-columns: minmax(12rem, 16rem) minmax(0, 1fr);
    gap: 1rem;
    height: var(--_chat-height);
  }
  :host([no-history]) .layout {
    grid-template-columns: minmax(0, 1fr);
  }
  aperto-chat-history {
    overflow-y: auto;
    border-inline-end: 1px solid var(--_border);
    padding-inline-end: 0.75rem;
    min-width: 0;
  }
  .main {
    display: grid;
    grid-template-rows: auto auto minmax(0, 1fr) auto;
    grid-template-columns: minmax(0, 1fr);
    min-height: 0;
    min-width: 0;
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
    margin: 0;
    flex: 1 1 6rem;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  header button {
    font-size: 0.85rem;
  }
  .file-actions {
    display: contents;
  }
  .narrow-only {
    display: none;
  }
  .settings {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.8rem;
    margin-bottom: 0.6rem;
  }
  .log {
    overflow-y: auto;
    overflow-wrap: anywhere;
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
    grid-template-columns: minmax(0, 1fr) auto auto;
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
    min-width: 0;
    width: 100%;
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
  /* Narrow screens: one column, the conversation and its message box first; the list of chats and
     the file buttons fold away behind "Chats" and "More". */
  @media (max-width: 48rem) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
      grid-template-rows: minmax(0, 1fr);
      gap: 0.5rem;
    }
    aperto-chat-history {
      display: none;
      border-inline-end: none;
      padding-inline-end: 0;
      max-height: 14rem;
      border-bottom: 1px solid var(--_border);
      padding-bottom: 0.5rem;
    }
    :host([show-history]:not([no-history])) .layout {
      grid-template-rows: auto minmax(0, 1fr);
    }
    :host([show-history]:not([no-history])) aperto-chat-history {
      display: block;
    }
    .narrow-only {
      display: inline-block;
    }
    .file-actions {
      display: none;
    }
    :host([show-file-actions]) .file-actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
      flex-basis: 100%;
    }
    header {
      padding-bottom: 0.3rem;
    }
    .log {
      gap: 0.6rem;
      padding-bottom: 0.5rem;
    }
  }
  :host([no-toolbar]) header button {
    display: none;
  }
`;
