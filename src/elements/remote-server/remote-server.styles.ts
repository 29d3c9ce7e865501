import { css } from 'lit';

export const remoteServerStyles = css`
  :host {
    display: block;
  }
  form {
    display: grid;
    gap: 0.5rem;
    max-width: 40rem;
  }
  label {
    display: grid;
    gap: 0.2rem;
  }
  label.check {
    display: flex;
    gap: 0.4rem;
    align-items: center;
  }
  input[type='url'],
  input[type='password'] {
    font: inherit;
    padding: 0.4rem 0.5rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    min-width: 0;
  }
  button.primary {
    justify-self: start;
    font: inherit;
    padding: 0.4rem 0.9rem;
    border-radius: calc(var(--_radius) / 2);
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .leaves {
    padding: 0.3rem 0.6rem;
    border-inline-start: 3px solid var(--_warn);
  }
  .muted {
    color: var(--_muted);
  }
  .form-error {
    color: var(--_danger);
  }
  p,
  pre {
    overflow-wrap: anywhere;
    white-space: pre-wrap;
  }
`;
