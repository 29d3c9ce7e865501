/**
 * Finding things the way a person does, through shadow roots: by role-ish selectors and by the
 * accessible name or visible text, never by private fields.
 */
export function deepQueryAll<T extends Element = Element>(root: Element | Document | ShadowRoot, selector: string): T[] {
  const found: T[] = [];
  const visit = (node: Element | Document | ShadowRoot) => {
    found.push(...(node.querySelectorAll(selector) as NodeListOf<T>));
    for (const el of node.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
  };
  if (root instanceof Element && root.shadowRoot) visit(root.shadowRoot);
  visit(root);
  return found;
}

export function accessibleName(el: Element): string {
  return (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function deepText(root: Element | ShadowRoot): string {
  const parts: string[] = [];
  const visit = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
    if (node instanceof Element && node.shadowRoot) visit(node.shadowRoot);
    for (const child of node.childNodes) visit(child);
  };
  visit(root);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

export function findButton(root: Element | Document | ShadowRoot, name: string | RegExp): HTMLButtonElement | undefined {
  return deepQueryAll<HTMLButtonElement>(root, 'button').find((b) =>
    typeof name === 'string' ? accessibleName(b) === name : name.test(accessibleName(b)),
  );
}

export async function waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 30000): Promise<T> {
  const start = performance.now();
  for (;;) {
    let value: T | undefined | null | false;
    try {
      value = probe();
    } catch {
      value = undefined; // not there yet (e.g. the element has not rendered)
    }
    if (value) return value;
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
