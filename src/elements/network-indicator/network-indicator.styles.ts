import { css } from 'lit';

export const networkIndicatorStyles = css`
  :host {
    display: block;
    font-size: 0.88rem;
  }
  :host(:not([active])) {
    display: none;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.2rem 1rem;
  }
  li {
    display: flex;
    align-items: center;
    gap: 0.4rem;
  }
  .mark {
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    background: var(--_accent);
    animation: pulse 1.2s ease-in-out infinite;
  }
  li[data-kind='offline'] .mark {
    background: var(--_muted);
    animation: none;
  }
  li[data-kind='app-saved'] .mark {
    background: var(--_ok);
    animation: none;
  }
  .amount {
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }
  @keyframes pulse {
    50% {
      opacity: 0.35;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .mark {
      animation: none;
    }
  }
`;
