import { css } from 'lit';

export const translateStyles = css`
  :host {
    display: block;
    /* Captions and sources are whatever was said or typed: a long unbroken word (a URL, "WWWW…")
       wraps inside its caption instead of widening the page past the window. */
    overflow-wrap: anywhere;
    --_caption-size: var(--aperto-caption-size, 2.5rem);
    --_caption-color: var(--aperto-caption-color, #ffffff);
    --_caption-source-color: var(--aperto-caption-source-color, #9aa0a6);
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.6rem 1.2rem;
    align-items: end;
    margin-bottom: 0.8rem;
  }
  label {
    display: grid;
    gap: 0.2rem;
    font-size: 0.9rem;
  }
  label.inline {
    display: flex;
    align-items: center;
    gap: 0.4rem;
  }
  /* Wide screens: the options sit in the controls' row; narrow ones fold them behind "Options". */
  .options {
    display: contents;
  }
  .narrow-only {
    display: none;
  }
  form.input {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    gap: 0.5rem;
    align-items: end;
    margin-bottom: 1rem;
  }
  form.input label {
    min-width: 0;
  }
  form.input textarea {
    width: 100%;
    min-width: 0;
    resize: vertical;
  }
  .directions {
    display: flex;
    gap: 0.4rem;
    flex-wrap: wrap;
  }
  .notice {
    padding: 0.4rem 0.6rem;
    border-inline-start: 4px solid var(--_warn);
    background: var(--_surface);
  }
  /* Normal view: the running transcript. */
  ol.history {
    list-style: none;
    padding: 0;
    margin: 0;
    display: grid;
    gap: 0.8rem;
  }
  ol.history li {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.6rem 0.8rem;
  }
  .source {
    color: var(--_muted);
    font-size: 0.92rem;
  }
  .translation {
    font-size: 1.2rem;
  }
  .tail {
    opacity: 0.55;
  }
  .error {
    color: var(--_danger);
  }
  /* HUD view: what translation glasses show. Black is transparent on a waveguide. */
  .hud {
    background: #000;
    color: var(--_caption-color);
    border-radius: var(--_radius);
    padding: 1.2rem 1.4rem;
    min-height: 16rem;
    display: flex;
    flex-direction: column;
    justify-content: flex-end;
    gap: 0.9rem;
    overflow: hidden;
    font-family: var(--aperto-caption-font, system-ui, sans-serif);
  }
  :host([frame]) .hud {
    width: 480px;
    height: 640px;
    max-width: 100%;
    margin-inline: auto;
  }
  .hud .line-source {
    color: var(--_caption-source-color);
    font-size: calc(var(--_caption-size) * 0.45);
  }
  .hud .line {
    font-size: var(--_caption-size);
    line-height: 1.2;
    font-weight: 600;
  }
  .hud .empty {
    color: #777;
    font-size: 1.1rem;
  }
  .figures {
    margin-top: 1rem;
    font-size: 0.85rem;
  }
  /* Six columns do not fit a phone: the table scrolls on its own, the page does not. */
  .table-scroll {
    overflow-x: auto;
    max-width: 100%;
  }
  .figures table {
    border-collapse: collapse;
    overflow-wrap: normal;
  }
  .figures th,
  .figures td {
    border-bottom: 1px solid var(--_border);
    padding: 0.25rem 0.6rem;
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .figures th:first-child,
  .figures td:first-child {
    text-align: start;
  }
  :host([no-controls]) .controls {
    display: none;
  }
  @media (max-width: 48rem) {
    .controls {
      gap: 0.5rem 0.8rem;
      margin-bottom: 0.6rem;
    }
    .narrow-only {
      display: inline-block;
    }
    .options {
      display: none;
    }
    :host([show-options]) .options {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: end;
      flex-basis: 100%;
    }
    form.input {
      margin-bottom: 0.6rem;
    }
    .hud {
      min-height: 10rem;
      padding: 0.8rem 1rem;
    }
  }
`;
