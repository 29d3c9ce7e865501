import { css } from 'lit';

export const loadProgressStyles = css`
  :host {
    display: block;
  }
  .other-tab {
    margin: 0 0 0.5rem;
  }
  button {
    font: inherit;
    padding: 0.45rem 0.9rem;
    border-radius: var(--_radius, 0.5rem);
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent, #fff);
    cursor: pointer;
  }
  .phase {
    font-weight: 600;
  }
  progress {
    width: 100%;
    height: 0.9rem;
    accent-color: var(--_accent);
    margin: 0.4rem 0;
  }
  .figures {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1.25rem;
    font-variant-numeric: tabular-nums;
  }
`;
