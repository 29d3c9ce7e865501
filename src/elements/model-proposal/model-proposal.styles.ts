import { css } from 'lit';

export const modelProposalStyles = css`
  :host {
    display: block;
  }
  .proposal {
    border: 2px solid var(--_warn);
    border-radius: var(--_radius);
    padding: 0.8rem 1rem;
    background: var(--_surface);
    display: grid;
    gap: 0.5rem;
  }
  p {
    margin: 0;
  }
  #question:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  ul {
    margin: 0;
    padding-inline-start: 1.2rem;
  }
  .sources strong,
  .addresses {
    overflow-wrap: anywhere;
  }
  .addresses {
    font-size: 0.85rem;
    font-family: ui-monospace, monospace;
  }
  .actions {
    display: flex;
    gap: 0.5rem;
    flex-wrap: wrap;
  }
`;
