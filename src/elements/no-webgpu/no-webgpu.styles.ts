import { css } from 'lit';

export const noWebGpuStyles = css`
  :host {
    display: block;
  }
  .screen {
    border: 2px solid var(--_warn);
    border-radius: var(--_radius);
    padding: 1rem 1.2rem;
    background: var(--_surface);
    max-width: 60rem;
  }
  h2 {
    margin-top: 0;
  }
  li {
    margin-block: 0.35rem;
  }
  li.current {
    font-weight: 600;
  }
  code {
    font-size: 0.92em;
  }
`;
