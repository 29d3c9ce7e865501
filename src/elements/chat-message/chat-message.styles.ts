import { css } from 'lit';

export const chatMessageStyles = css`
  :host {
    display: block;
    max-width: min(100%, 52rem);
    /* A long chat is mostly off screen: the browser skips laying out what is not visible, so the
       cost of each streamed token does not grow with the conversation. */
    content-visibility: auto;
    contain-intrinsic-size: auto 6rem;
  }
  /* Finished blocks come in sections of ~20 000 characters: the browser skips laying out those off
     screen, so neither a streamed token nor a long conversation costs layout of all of it. */
  .md-section {
    content-visibility: auto;
    contain-intrinsic-size: auto 20em;
  }
  /* A long reply given at once is read in slices; what is not read yet waits in pieces. */
  .md-unread > * {
    content-visibility: auto;
    contain-intrinsic-size: auto 20em;
  }
  /* Text not (or not yet) formatted as markdown: shown exactly as written. */
  .md .md-plain,
  .md .md-pending {
    white-space: pre-wrap;
    margin: 0;
  }
  .md .md-plain + :not(.md-plain),
  .md .md-pending + :not(.md-pending) {
    margin-top: 0.7em;
  }
  :host([role-name='user']) {
    margin-inline-start: auto;
  }
  .bubble {
    padding: 0.7rem 0.95rem;
    border-radius: var(--_radius);
    background: var(--_surface);
    overflow-wrap: anywhere;
    line-height: 1.5;
  }
  :host([role-name='user']) .bubble {
    background: var(--aperto-user-bubble, light-dark(#dfe8ff, #263457));
    white-space: pre-wrap;
  }
  /* A very long message comes in pieces, each skipped by layout while off screen. */
  .bubble > .piece {
    content-visibility: auto;
    contain-intrinsic-size: auto 20em;
  }
  .who {
    font-size: 0.8rem;
    color: var(--_muted);
    margin-bottom: 0.2rem;
  }
  .md > div > :first-child,
  .md > .md-finished > .md-section:first-child > :first-child,
  .md > :first-child {
    margin-top: 0;
  }
  .md p {
    margin: 0 0 0.7em;
  }
  .md pre {
    overflow-x: auto;
    padding: 0.7rem;
    border-radius: 8px;
    background: light-dark(#eef0f4, #0f1115);
    font-size: 0.9em;
  }
  .md code {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
  }
  .md table {
    border-collapse: collapse;
    display: block;
    overflow-x: auto;
  }
  .md th,
  .md td {
    border: 1px solid var(--_border);
    padding: 0.3rem 0.6rem;
  }
  .md a {
    color: var(--_accent);
  }
  .code-block {
    position: relative;
  }
  .copy-code {
    position: absolute;
    inset-inline-end: 0.4rem;
    top: 0.4rem;
    font-size: 0.75rem;
    min-height: 0;
    padding: 0.15rem 0.5rem;
  }
  details.thinking {
    margin-bottom: 0.6rem;
    border-inline-start: 3px solid var(--_border);
    padding-inline-start: 0.7rem;
    color: var(--_muted);
    font-size: 0.92em;
  }
  details.thinking summary {
    cursor: pointer;
  }
  .figures {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2rem 0.9rem;
    font-size: 0.78rem;
    color: var(--_muted);
    margin-top: 0.35rem;
    font-variant-numeric: tabular-nums;
  }
  .state {
    font-size: 0.82rem;
    margin-top: 0.35rem;
  }
  .state.error {
    color: var(--_danger);
  }
  .actions {
    display: flex;
    gap: 0.4rem;
    margin-top: 0.3rem;
  }
  .actions button {
    font-size: 0.8rem;
    min-height: 0;
    padding: 0.2rem 0.6rem;
  }
  textarea {
    width: 100%;
    font: inherit;
    min-height: 4rem;
  }
  .cursor::after {
    content: '▍';
    animation: blink 1s steps(2) infinite;
  }
  @keyframes blink {
    50% {
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .cursor::after {
      animation: none;
    }
  }
`;
