import { css } from 'lit';

export const chatSettingsStyles = css`
  :host {
    display: block;
  }
  form {
    display: grid;
    gap: 0.7rem;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 13rem), 1fr));
  }
  label {
    display: grid;
    gap: 0.25rem;
    font-size: 0.9rem;
  }
  .wide {
    grid-column: 1 / -1;
  }
  .switch {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }
`;
