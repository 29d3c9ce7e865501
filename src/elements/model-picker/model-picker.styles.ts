import { css } from 'lit';

export const modelPickerStyles = css`
  :host {
    display: block;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  label {
    display: grid;
    gap: 0.2rem;
    min-width: min(100%, 20rem);
  }
  select {
    font: inherit;
    max-width: 100%;
  }
  .notice {
    margin: 0.5rem 0;
  }
`;
