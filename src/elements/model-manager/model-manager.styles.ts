import { css } from 'lit';

export const modelManagerStyles = css`
  :host {
    display: block;
  }
  section {
    margin-block: 0 1.5rem;
  }
  h2 {
    font-size: 1.2rem;
    margin: 0 0 0.6rem;
  }
  .panel {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.9rem 1rem;
    background: var(--_surface);
  }
  .panel.error {
    border-color: var(--_danger);
  }
  .panel.error strong {
    color: var(--_danger);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.6rem 1rem;
  }
  .row > .grow {
    flex: 1 1 16rem;
  }
  details {
    margin-top: 0.5rem;
    font-size: 0.85rem;
  }
  details pre {
    white-space: pre-wrap;
    word-break: break-word;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr));
    gap: 0.8rem;
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: 0.6rem 1.2rem;
    align-items: center;
    margin-bottom: 0.8rem;
  }
  input[type='search'] {
    min-width: min(100%, 16rem);
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: start;
    padding: 0.45rem 0.5rem;
    border-bottom: 1px solid var(--_border);
    vertical-align: middle;
  }
  td.num {
    font-variant-numeric: tabular-nums;
  }
  form.custom {
    display: grid;
    gap: 0.6rem;
  }
  aperto-model-proposal {
    margin-top: 0.6rem;
  }
  form.custom label,
  label.choice {
    display: grid;
    gap: 0.25rem;
  }
  label.choice {
    grid-template-columns: auto 1fr;
    align-items: center;
    margin-block: 0.3rem;
  }
  form.custom button {
    justify-self: start;
  }
  /* A token count is at most six digits; a full-width box would suggest a longer answer. */
  form.custom input[type='number'] {
    max-width: 10rem;
  }
  /* Sits under the field it explains, closer to it than to the next one. */
  form.custom .hint {
    margin: -0.35rem 0 0;
    font-size: 0.85rem;
  }
  .form-error {
    color: var(--_danger);
    margin: 0;
  }
  fieldset {
    border: none;
    padding: 0;
    margin: 0;
  }
  meter {
    width: min(100%, 18rem);
  }
`;
