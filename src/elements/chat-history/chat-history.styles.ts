import { css } from 'lit';

export const chatHistoryStyles = css`
  :host {
    display: block;
  }
  ul {
    list-style: none;
    margin: 0.5rem 0 0;
    padding: 0;
    display: grid;
    gap: 0.2rem;
  }
  li {
    display: flex;
    align-items: center;
    gap: 0.2rem;
    border-radius: 8px;
  }
  li[aria-current='true'] {
    background: var(--_surface);
  }
  .open {
    flex: 1;
    /* A long title ends in "…" rather than pushing Rename and Delete out of the list. */
    min-width: 0;
    text-align: start;
    border: none;
    background: none;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .small {
    font-size: 0.75rem;
    min-height: 0;
    padding: 0.2rem 0.45rem;
  }
  input {
    font: inherit;
    flex: 1;
    min-width: 0;
  }
`;
