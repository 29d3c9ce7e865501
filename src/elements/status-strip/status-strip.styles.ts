import { css } from 'lit';

export const statusStripStyles = css`
  :host {
    display: block;
    font-size: 0.88rem;
  }
  .strip {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2rem 1rem;
    align-items: center;
  }
  .dot {
    display: inline-block;
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    background: var(--_muted);
    margin-inline-end: 0.35rem;
  }
  :host([status='ready']) .dot,
  :host([status='generating']) .dot {
    background: var(--_ok);
  }
  :host([status='loading']) .dot {
    background: var(--_warn);
  }
  :host([status='error']) .dot {
    background: var(--_danger);
  }
  .leaves {
    display: block;
    margin-top: 0.2rem;
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .model {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  /* A phone: one line, the model and its state; the engine is named in Models. */
  @media (max-width: 40rem) {
    :host {
      font-size: 0.8rem;
    }
    .strip {
      flex-wrap: nowrap;
      gap: 0.75rem;
    }
    .engine,
    .state .label {
      display: none;
    }
    .model {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .state {
      white-space: nowrap;
    }
  }
`;
