/**
 * Registers the elements a parent renders, when the first parent is created rather than when its module
 * is imported: `import { ApertoChat } from 'aperto'` then defines nothing, and a page that registers the
 * class under a name of its own still gets the parts it renders. A name already taken is left alone,
 * as the `*.define.ts` entries do.
 */
export function defineOnce(elements: Record<string, CustomElementConstructor>): void {
  for (const [tag, element] of Object.entries(elements)) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}
