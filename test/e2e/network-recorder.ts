/**
 * Records every request a page makes, from the page itself, from every worker it starts (those of
 * its own, wllama's blob workers and llama.cpp's threads) and from its service worker, through the
 * DevTools protocol, and tells which of them left the browser.
 *
 * - Page and dedicated workers: Puppeteer enables the Network domain on each of them (its page
 *   network manager attaches to every worker the page starts, before the worker runs).
 * - The shared model worker (src/engine/llm-link.ts), which belongs to no page: the same, as soon
 *   as it is created (it fetches web-llm on the first GPU load, well after that).
 * - The service worker: its own DevTools session with the Network domain enabled. A request the
 *   service worker answers from Cache Storage never reaches its Network domain; a `fetch` it makes
 *   does.
 *
 * A page request answered by the service worker (`fromServiceWorker`) stayed on the device unless
 * the service worker fetched it, and then the service worker's session has it. data: and blob: URLs
 * never leave the browser and are not recorded.
 */
import type { Browser, CDPSession, HTTPRequest, Page, Target } from 'puppeteer-core';

export interface SeenRequest {
  method: string;
  url: string;
  from: 'page' | 'worker' | 'shared worker' | 'service worker';
  /** Answered by the service worker from its cache (page and worker requests only). */
  fromServiceWorker: boolean;
  /** Whether it carried a body. */
  hasBody: boolean;
}

const LOCAL_SCHEMES = /^(?:data|blob):/;

export class NetworkRecorder {
  private readonly pageRequests: HTTPRequest[] = [];
  private readonly ownSessionRequests: SeenRequest[] = [];
  private recording = false;

  private constructor(private readonly browser: Browser) {}

  /** Start watching `page` and every service worker of `origin` (recording starts with start()). */
  static async attach(browser: Browser, page: Page, origin: string): Promise<NetworkRecorder> {
    const recorder = new NetworkRecorder(browser);
    page.on('request', (request) => {
      if (recorder.recording && !LOCAL_SCHEMES.test(request.url())) recorder.pageRequests.push(request);
    });
    const isOurs = (target: Target) => (target.type() === 'service_worker' || target.type() === 'shared_worker') && target.url().startsWith(origin);
    for (const target of browser.targets().filter(isOurs)) await recorder.watchWorkerTarget(target);
    browser.on('targetcreated', (target: Target) => {
      if (isOurs(target)) void recorder.watchWorkerTarget(target);
    });
    return recorder;
  }

  /** The service worker's own session, e.g. to make it fetch something or take it offline. */
  async serviceWorkerSession(origin: string): Promise<CDPSession> {
    const target = await this.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(origin));
    return this.watchWorkerTarget(target);
  }

  private readonly watched = new Map<Target, Promise<CDPSession>>();

  private watchWorkerTarget(target: Target): Promise<CDPSession> {
    let session = this.watched.get(target);
    if (!session) {
      session = (async () => {
        const cdp = await target.createCDPSession();
        const from = target.type() === 'shared_worker' ? ('shared worker' as const) : ('service worker' as const);
        cdp.on('Network.requestWillBeSent', (event: { request: { url: string; method: string; hasPostData?: boolean } }) => {
          if (!this.recording || LOCAL_SCHEMES.test(event.request.url)) return;
          const { method, url, hasPostData } = event.request;
          this.ownSessionRequests.push({ method, url, from, fromServiceWorker: false, hasBody: !!hasPostData });
        });
        await cdp.send('Network.enable');
        return cdp;
      })();
      this.watched.set(target, session);
    }
    return session;
  }

  start(): void {
    this.pageRequests.length = 0;
    this.ownSessionRequests.length = 0;
    this.recording = true;
  }

  stop(): void {
    this.recording = false;
  }

  /** Every request seen while recording. */
  all(): SeenRequest[] {
    const fromPage = this.pageRequests.map((request) => ({
      method: request.method(),
      url: request.url(),
      from: request.frame() ? ('page' as const) : ('worker' as const),
      fromServiceWorker: request.response()?.fromServiceWorker() ?? false,
      hasBody: request.hasPostData(),
    }));
    return [...fromPage, ...this.ownSessionRequests];
  }

  /** The requests that went to the network (or tried to): not answered on the device. */
  leftTheDevice(): SeenRequest[] {
    return this.all().filter((request) => !request.fromServiceWorker);
  }
}
