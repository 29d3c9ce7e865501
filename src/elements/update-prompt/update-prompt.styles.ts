import { css } from 'lit';

export const updatePromptStyles = css`
  :host {
    display: block;
  }
  [part='prompt'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0.75rem;
    padding: 0.5rem 0.8rem;
    margin-bottom: 1rem;
    border-inline-start: 4px solid var(--_accent);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
`;
