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
    const entry = workerEntry(new URL(scriptUrl, location.href));
    try {
      super(entry.url, { ...options, type: 'module' });
    } finally {
      // The constructor resolved the blob when it parsed the URL (URL standard: a blob URL's entry
      // is looked up at parse time), so the worker's fetch no longer needs the URL. Each start,
      // restarts after a crash included, makes its own blob, so nothing else needs it either.
      entry.release();
    }
  }
}

/** What to start: the script itself when same-origin, else a same-origin blob importing it. */
function workerEntry(script: URL): { url: string; release(): void } {
  if (script.origin === location.origin || script.protocol === 'blob:' || script.protocol === 'data:') {
    return { url: script.href, release() {} };
  }
  const source = `import ${JSON.stringify(script.href)};`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return { url, release: () => URL.revokeObjectURL(url) };
}
