/** The app's views, kept in the URL hash so links and reloads land where they were. */
export const VIEWS = ['chat', 'translate', 'models', 'device'] as const;
export type View = (typeof VIEWS)[number];

export const VIEW_LABELS: Record<View, string> = {
  chat: 'Chat',
  translate: 'Translate',
  models: 'Models',
  device: 'Device',
};

export interface Route {
  view: View;
  /** Set when the hash named a view that does not exist; the app says so and shows the default. */
  unknown?: string;
}

export const DEFAULT_VIEW: View = 'chat';

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  let name: string;
  try {
    name = decodeURIComponent(raw).toLowerCase();
  } catch {
    // A mistyped link ("#/100%") must not break navigation.
    name = raw.toLowerCase();
  }
  if (!name) return { view: DEFAULT_VIEW };
  if ((VIEWS as readonly string[]).includes(name)) return { view: name as View };
  return { view: DEFAULT_VIEW, unknown: name };
}

export function hrefFor(view: View): string {
  return `#/${view}`;
}
