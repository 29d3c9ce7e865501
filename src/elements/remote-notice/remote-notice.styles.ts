import { css } from 'lit';

export const remoteNoticeStyles = css`
  :host {
    display: block;
  }
  p {
    margin: 0.25rem 0;
    padding: 0.3rem 0.6rem;
    border-inline-start: 3px solid var(--_warn);
    font-size: 0.88rem;
    overflow-wrap: anywhere;
  }
`;
