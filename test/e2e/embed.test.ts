/**
 * examples/embed.html as a web developer would use it: a plain page (with hostile global CSS and a
 * strict Content-Security-Policy) on one origin loading `dist-lib/aperto.js` from another origin
 * (another port, served gzip-compressed as a CDN would), on a browser without WebGPU, so the CPU
 * engine runs the synthetic model from the local hub for real.
 *
 * "A light embed": until someone uses the elements, the page fetches at most 120 kB gzip of
 * JavaScript, and none of the engines' code; loading a model then fetches the CPU engine's chunk
 * from beside aperto.js (and never web-llm's), under the page's policy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EMBED_BUDGET_BYTES, measureBundledConsumer, measureSingleFile } from '../../scripts/embed-budget.mjs';
import { launchChromium, recordPageErrors, until, waitForElement } from './browser.js';
import { modelWorkers, watchModelWorkers } from './model-workers.js';
import { PolicyWatcher } from './policy-watcher.js';

const embedPageUrl = inject('embedPageUrl');
const libUrl = inject('libUrl');
const modelUrl = `${inject('crossOriginHubUrl')}gguf/synthetic.gguf`;
const libDir = fileURLToPath(new URL('../../dist-lib/', import.meta.url));

/** Text found only in each library's own code (one of its error messages, one of its functions). */
const ENGINE_MARKERS = {
  'web-llm': 'WebGPU is not supported in your current environment',
  wllama: 'wllama_start',
  'onnxruntime-web (voice detection)': 'InferenceSession',
};

/** The chunks beside aperto.js (dist-lib/chunks/) that hold each engine's code. */
function engineChunks(): Record<keyof typeof ENGINE_MARKERS, string[]> {
  const files = readdirSync(join(libDir, 'chunks')).filter((file) => file.endsWith('.js'));
  const code = new Map(files.map((file) => [file, readFileSync(join(libDir, 'chunks', file), 'utf8')]));
  const withMarker = (marker: string) => files.filter((file) => code.get(file)!.includes(marker)).map((file) => `${libUrl}chunks/${file}`);
  return {
    'web-llm': withMarker(ENGINE_MARKERS['web-llm']),
    wllama: withMarker(ENGINE_MARKERS.wllama),
    'onnxruntime-web (voice detection)': withMarker(ENGINE_MARKERS['onnxruntime-web (voice detection)']),
  };
}

/** A script the page fetched, with its body's size as it came over the network (Resource Timing). */
interface FetchedScript {
  url: string;
  bytes: number;
}

function scriptsFetched(page: Page): Promise<FetchedScript[]> {
  return page.evaluate(() => (window as unknown as { __scripts: () => FetchedScript[] }).__scripts());
}

const total = (scripts: FetchedScript[]) => scripts.reduce((sum, s) => sum + s.bytes, 0);

interface SeenEvent {
  type: string;
  detail: Record<string, unknown>;
  from: string;
  bubbles: boolean;
  composed: boolean;
}

function events(page: Page, type?: string): Promise<SeenEvent[]> {
  return page.evaluate((t) => (window as unknown as { __events: SeenEvent[] }).__events.filter((e) => !t || e.type === t), type);
}

describe('embedding the elements in a plain page', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let policy: PolicyWatcher;

  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    errors = recordPageErrors(page);
    policy = await PolicyWatcher.attach(page);
    await watchModelWorkers(page);
    await page.evaluateOnNewDocument(() => {
      const w = window as unknown as {
        __events: unknown[];
        __scripts: () => FetchedScript[];
        __scriptsWhenChatShown?: FetchedScript[];
      };
      // Every script fetched so far, with its body's size as transferred (compressed), which the
      // library's server lets this page see (Timing-Allow-Origin).
      w.__scripts = () =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((entry) => new URL(entry.name).pathname.endsWith('.js'))
          .map((entry) => ({ url: entry.name, bytes: entry.encodedBodySize }));
      // On the first frame where <aperto-chat> shows its message box: the scripts fetched until then.
      const watch = () => {
        const box = document.querySelector('aperto-chat')?.shadowRoot?.querySelector('textarea[aria-label="Message"]');
        if (!box || box.getBoundingClientRect().width === 0) return void requestAnimationFrame(watch);
        w.__scriptsWhenChatShown = w.__scripts();
      };
      requestAnimationFrame(watch);
      w.__events = [];
      for (const type of ['aperto-progress', 'aperto-ready', 'aperto-message', 'aperto-caption', 'aperto-error']) {
        document.addEventListener(type, (e) => {
          const event = e as CustomEvent;
          w.__events.push({
            type,
            detail: JSON.parse(JSON.stringify(event.detail)),
            from: (event.composedPath()[0] as Element).localName,
            bubbles: event.bubbles,
            composed: event.composed,
          });
        });
      }
    });
  });
  afterAll(() => browser?.close());

  it('loads the bundle from another origin and shows all three elements despite the hostile CSS', async () => {
    await page.goto(embedPageUrl);
    expect(new URL(libUrl).origin).not.toBe(new URL(embedPageUrl).origin);
    const scriptSrc = await page.$eval('script[src]', (s) => (s as HTMLScriptElement).src);
    expect(scriptSrc.startsWith(libUrl)).toBe(true);

    for (const control of ['select[aria-label="Model"]', 'textarea[aria-label="Message"]', 'textarea[aria-label="Text to translate"]']) {
      const handle = await waitForElement(page, control);
      const box = await handle.boundingBox();
      expect(box, `${control} is laid out`).not.toBeNull();
      expect(box!.width).toBeGreaterThan(50);
      expect(box!.height).toBeGreaterThan(10);
    }
  });

  it(`fetches at most ${EMBED_BUDGET_BYTES / 1000} kB gzip of JavaScript until <aperto-chat> is shown, and none of the engines' code until used`, async () => {
    const whenShown = await until(
      () => page.evaluate(() => (window as unknown as { __scriptsWhenChatShown?: FetchedScript[] }).__scriptsWhenChatShown),
      (scripts) => scripts !== undefined,
      'the first frame with the chat’s message box',
    );
    // Then the page settles with nobody touching it: the engine is chosen and the picker lists its models.
    await until(() => page.$eval('pierce/select[aria-label="Model"]', (s) => (s as HTMLSelectElement).options.length), (n) => n > 0, 'the model list');
    let settled = await scriptsFetched(page);
    for (let quiet = 0; quiet < 15; quiet++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = await scriptsFetched(page);
      if (now.length !== settled.length) quiet = 0;
      settled = now;
    }

    const list = (scripts: FetchedScript[]) => scripts.map((s) => `${s.url} ${s.bytes} B`).join('\n');
    expect(whenShown!.some((s) => s.url === `${libUrl}aperto.js`)).toBe(true);
    for (const script of settled) expect(script.bytes, `${script.url}: its size is visible to the page`).toBeGreaterThan(0);
    expect(total(whenShown!), list(whenShown!)).toBeLessThanOrEqual(EMBED_BUDGET_BYTES);
    expect(total(settled), list(settled)).toBeLessThanOrEqual(EMBED_BUDGET_BYTES);
    const chunks = engineChunks();
    const engines = Object.values(chunks).flat();
    // (web-llm's chunk is there while the page's engine client imports web-llm; its worker has its own copy.)
    expect(chunks.wllama.length && chunks['onnxruntime-web (voice detection)'].length, 'the engines’ chunks beside aperto.js').toBeGreaterThan(0);
    expect(settled.filter((s) => engines.includes(s.url)).map((s) => s.url)).toEqual([]);
  });

  it('loads a model through the picker, with progress and ready events from every element', async () => {
    await page.evaluate((url) => document.querySelector('aperto-model-picker')!.setAttribute('model', url), modelUrl);
    await until(() => page.$eval('pierce/select[aria-label="Model"]', (s) => (s as HTMLSelectElement).value), (v) => v.length > 0, 'the model in the list');
    await page.click('pierce/button[part="load-button"]');
    const ready = await until(() => events(page, 'aperto-ready'), (list) => list.length >= 3, 'aperto-ready from the three elements', 90_000);

    expect(new Set(ready.map((e) => e.from))).toEqual(new Set(['aperto-model-picker', 'aperto-chat', 'aperto-translate']));
    for (const e of ready) {
      expect(e.detail).toEqual({ modelId: expect.any(String), engine: 'cpu' });
      expect(e.bubbles && e.composed).toBe(true);
    }
    const progress = await events(page, 'aperto-progress');
    expect(progress.length).toBeGreaterThan(0);
    for (const e of progress) {
      expect(e.detail).toMatchObject({ modelId: ready[0].detail.modelId, phase: expect.any(String), loadedBytes: expect.any(Number) });
      expect(e.detail.progress as number).toBeGreaterThanOrEqual(0);
      expect(e.detail.progress as number).toBeLessThanOrEqual(1);
    }
  });

  it('chats end to end, firing aperto-message with the reply shown on screen', async () => {
    await page.click('pierce/textarea[aria-label="Message"]');
    await page.keyboard.type('Hello from a plain page');
    await page.keyboard.press('Enter');
    const [message] = await until(() => events(page, 'aperto-message'), (list) => list.length > 0, 'aperto-message', 60_000);

    expect(message.detail).toMatchObject({ role: 'assistant', status: 'done', conversationId: expect.any(String), messageId: expect.any(String) });
    expect((message.detail.content as string).length).toBeGreaterThan(0);
    // On screen as rendered markdown, which only takes characters away (markup): what is shown is
    // the reply the event carried, minus its markup, in the same order.
    const shown = await page.$$eval('pierce/aperto-chat-message', (m) => {
      const md = m.at(-1)?.shadowRoot?.querySelector('.md')?.cloneNode(true) as HTMLElement | undefined;
      md?.querySelectorAll('button').forEach((b) => b.remove());
      return md?.textContent ?? '';
    });
    const visible = [...shown.replace(/\s+/g, '')];
    const sent = (message.detail.content as string).replace(/\s+/g, '');
    expect(visible.length).toBeGreaterThan(0);
    let at = 0;
    for (const char of visible) {
      at = sent.indexOf(char, at);
      expect(at, `“${char}” of the shown reply is in the event's content, in order`).toBeGreaterThanOrEqual(0);
      at++;
    }
  });

  it('translates typed text into HUD captions, restyled by the page through ::part(caption)', async () => {
    await page.click('pierce/textarea[aria-label="Text to translate"]');
    await page.keyboard.type('Guten Morgen');
    await page.keyboard.press('Enter');
    const captions = await until(() => events(page, 'aperto-caption'), (list) => list.some((e) => e.detail.final), 'a final caption', 60_000);
    const final = captions.find((e) => e.detail.final)!;

    expect(final.detail).toMatchObject({ utteranceId: 1, source: 'Guten Morgen', to: 'en', final: true });
    expect((final.detail.translation as string).length).toBeGreaterThan(0);
    const caption = await waitForElement(page, '[part="caption"]');
    expect(await caption.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 255, 0)');
    expect(await caption.boundingBox()).not.toBeNull();
  });

  it('fetched the CPU engine’s code from beside aperto.js once a model was loaded, and never web-llm’s', async () => {
    const fetched = (await scriptsFetched(page)).map((s) => s.url);
    const chunks = engineChunks();

    expect(chunks.wllama).toHaveLength(1);
    expect(fetched).toContain(chunks.wllama[0]);
    expect(chunks.wllama[0].startsWith(`${libUrl}chunks/`)).toBe(true);
    expect(fetched.filter((url) => chunks['web-llm'].includes(url))).toEqual([]);
    // Every script came from beside aperto.js, but the page's own.
    expect(fetched.filter((url) => !url.startsWith(libUrl) && !url.endsWith('/examples/embed-events.js'))).toEqual([]);
  });

  it('ran under the page’s Content-Security-Policy with nothing blocked', async () => {
    const policyInForce = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content'));

    expect(policyInForce).toContain(`script-src 'self' 'wasm-unsafe-eval' ${new URL(libUrl).origin}`);
    expect(policyInForce).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(policy.seen).toEqual([]);
  });

  it('started exactly one model worker for the two elements and the picker', async () => {
    const workers = await modelWorkers(page);
    expect(workers, workers.join(' | ')).toHaveLength(1);
  });

  it('reports an unusable attribute with aperto-error naming it, and keeps working', async () => {
    await page.evaluate(() => document.querySelector('aperto-chat')!.setAttribute('temperature', 'hot'));
    const [error] = await until(() => events(page, 'aperto-error'), (list) => list.length > 0, 'aperto-error');

    expect(error.detail).toEqual({ code: 'bad-attribute', message: expect.stringContaining('“temperature”'), hint: expect.any(String) });
    expect(error.from).toBe('aperto-chat');
    expect(errors).toEqual([]);
  });

  it('frees the model worker once every element has left the page', async () => {
    expect(page.workers().length).toBeGreaterThan(0);
    await page.evaluate(() => document.querySelectorAll('aperto-chat, aperto-translate, aperto-model-picker').forEach((el) => el.remove()));
    await until(async () => page.workers().length, (n) => n === 0, 'the worker to be terminated', 15_000);
  });
});

describe('what dist-lib makes a page load before any interaction', () => {
  it.each([
    ['the script, dist-lib/aperto.js', () => measureSingleFile(libDir)],
    ['a page bundled by Vite from dist-lib/esm', () => measureBundledConsumer(libDir)],
  ])(`is at most ${EMBED_BUDGET_BYTES / 1000} kB gzip for %s, with none of the engines' code`, async (_, measure) => {
    const result = await measure();
    const code = [...result.code.values()];

    expect(result.gzipBytes).toBeLessThanOrEqual(EMBED_BUDGET_BYTES);
    expect(Object.entries(ENGINE_MARKERS).filter(([, marker]) => code.some((text) => text.includes(marker))).map(([name]) => name)).toEqual([]);
  });
});
