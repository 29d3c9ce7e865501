import { css } from 'lit';

export const modelOfferStyles = css`
  :host {
    display: block;
  }
  .offer,
  .problem {
    font-size: 0.92rem;
    padding: 0.5rem 0.7rem;
    border-inline-start: 4px solid var(--_accent);
    background: var(--_surface);
    border-radius: 0 var(--_radius) var(--_radius) 0;
    margin: 0 0 0.5rem;
    /* A model added by URL is named after its file, which may be one long word. */
    overflow-wrap: anywhere;
  }
  .problem {
    border-inline-start-color: var(--_warn);
  }
  .offer p {
    margin: 0 0 0.45rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4rem 1rem;
  }
  a {
    color: var(--_accent);
  }
`;
