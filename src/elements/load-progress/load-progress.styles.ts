import { css } from 'lit';

export const loadProgressStyles = css`
  :host {
    display: block;
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
