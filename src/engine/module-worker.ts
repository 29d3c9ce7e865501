/**
 * Module workers that also start when Aperto's script is hosted on another origin than the page
 * (a CDN, or the embed bundle served from elsewhere). Browsers refuse `new Worker(url)` for a
 * cross-origin URL; a same-origin blob module that imports the real script is allowed, and the
 * imported script keeps its own URL as `import.meta.url`, so everything it loads next (wasm,
 * model runtimes) still resolves beside it. Same-origin scripts start directly, with no blob.
 *
 * Import it as `Worker` (`import { ModuleWorker as Worker } from …`) and keep the call written as
 * `new Worker(new URL('…', import.meta.url), …)`: that literal shape is what Vite recognises to
 * bundle the worker and rewrite its URL.
 */
export class ModuleWorker extends Worker {
  constructor(scriptUrl: string | URL, options: WorkerOptions = {}) {
    super(workerEntryUrl(new URL(scriptUrl, location.href)), { ...options, type: 'module' });
  }
}

/** The URL to start: the script itself when same-origin, else a same-origin blob importing it. */
export function workerEntryUrl(script: URL): string {
  if (script.origin === location.origin || script.protocol === 'blob:' || script.protocol === 'data:') return script.href;
  const source = `import ${JSON.stringify(script.href)};`;
  // Not revoked: a worker may be restarted from it later (after a crash), and it is a few bytes.
  return URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
}
