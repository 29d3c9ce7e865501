/**
 * Collects Content-Security-Policy violations of a page, of every worker it starts, and of the
 * browser's shared workers (the GPU model's).
 *
 * A request the policy blocks never reaches the network, so the DevTools Network domain never sees
 * it (network-recorder.ts cannot); the browser reports it instead, in two ways that are both
 * collected here:
 * - a `securitypolicyviolation` event, listened for in every document (installed before any page
 *   script runs) and in each worker as soon as it is attached (a worker's very first statements
 *   may run before that);
 * - its console message ("Refused to … because it violates the following Content Security Policy
 *   directive …"), read from the page's and, from their start, from each worker's log.
 */
import type { Page, Target, WebWorker } from 'puppeteer-core';

const MARK = '[CSP violation]';

const mentionsPolicy = (text: string) => text.includes(MARK) || /Content[- ]Security[- ]Policy/i.test(text);

export class PolicyWatcher {
  /** Everything seen so far, one line each, with where it came from. */
  readonly seen: string[] = [];

  static async attach(page: Page): Promise<PolicyWatcher> {
    const watcher = new PolicyWatcher();
    await page.evaluateOnNewDocument((mark) => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.warn(`${mark} ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
      });
    }, MARK);
    page.on('console', (message) => {
      if (mentionsPolicy(message.text())) watcher.seen.push(`console: ${message.text()}`);
    });
    page.on('workercreated', (worker) => void watcher.watchWorker(worker));
    for (const worker of page.workers()) await watcher.watchWorker(worker);
    // The GPU model's shared worker is the browser's, not the page's (src/engine/llm-link.ts).
    const browser = page.browser();
    const watchShared = async (target: Target) => {
      if (target.type() !== 'shared_worker') return;
      const worker = await target.worker();
      if (worker) await watcher.watchWorker(worker);
    };
    browser.on('targetcreated', (target: Target) => void watchShared(target));
    for (const target of browser.targets()) await watchShared(target);
    return watcher;
  }

  private async watchWorker(worker: WebWorker): Promise<void> {
    const where = worker.url().slice(0, 80);
    worker.client.on('Log.entryAdded', (event: { entry: { text: string } }) => {
      if (mentionsPolicy(event.entry.text)) this.seen.push(`worker ${where}: ${event.entry.text}`);
    });
    await worker.client.send('Log.enable').catch(() => undefined);
    await worker
      .evaluate((mark) => {
        self.addEventListener('securitypolicyviolation', (e) => {
          console.warn(`${mark} ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
        });
      }, MARK)
      .catch(() => undefined);
  }
}
