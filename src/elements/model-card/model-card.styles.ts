import { css } from 'lit';

export const modelCardStyles = css`
  :host {
    display: block;
  }
  article {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.8rem 1rem;
    background: var(--_bg);
    display: grid;
    gap: 0.4rem;
    height: 100%;
  }
  :host([highlighted]) article {
    border: 2px solid var(--_accent);
  }
  :host([unavailable]) article {
    background: var(--_surface);
  }
  :host([unavailable]) h3 {
    color: var(--_muted);
  }
  h3 {
    margin: 0;
    font-size: 1.05rem;
  }
  .maker {
    font-size: 0.9rem;
  }
  .place {
    overflow-wrap: anywhere;
  }
  dl {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(7.5rem, 1fr));
    gap: 0.3rem 0.8rem;
    margin: 0;
    font-size: 0.88rem;
  }
  dt {
    color: var(--_muted);
    font-size: 0.78rem;
  }
  dd {
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
  .verdict {
    font-size: 0.9rem;
  }
  .note {
    margin: 0;
    font-size: 0.88rem;
    color: var(--_muted);
  }
  .verdict.bad {
    color: var(--_danger);
  }
  .verdict.warn {
    color: var(--_warn);
  }
  .badges {
    display: flex;
    gap: 0.4rem;
    flex-wrap: wrap;
  }
  .badge {
    font-size: 0.75rem;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    border: 1px solid var(--_border);
  }
  .badge.ok {
    color: var(--_ok);
    border-color: currentColor;
  }
  .badge.rec {
    color: var(--_accent);
    border-color: currentColor;
  }
  .actions {
    display: flex;
    gap: 0.5rem;
    flex-wrap: wrap;
    align-self: end;
  }
`;
