/**
 * Real tokens end to end, with no GPU: the production build in headless Chromium without WebGPU
 * falls back to the CPU engine, downloads the synthetic GGUF model from the local hub (linked with
 * `model=`), and chats through the "Message" box. Nothing here is scripted: llama.cpp generates.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { acceptLinkedModel, lastMessageId, lastReplyText, modelReady, pressStopOnceReplyShows, recordReplyFrames, replyState, sendMessage, setTemperature } from './app-flows.js';
import { clickButton, launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';

const appUrl = inject('appUrl');
// Another origin, like the real hub: downloads must work on a cross-origin isolated page.
const modelUrl = `${inject('crossOriginHubUrl')}gguf/synthetic.gguf`;

describe('chatting with a CPU model, without a GPU', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    errors = recordPageErrors(page);
  });
  afterAll(() => browser?.close());

  it('loads the model named by the link from the hub (another origin), showing download progress', async () => {
    await page.goto(`${appUrl}?model=${encodeURIComponent(modelUrl)}#/models`);
    const card = await acceptLinkedModel(page);
    const load = await card.$('pierce/button.primary');
    // Every frame's progress lines, read inside the page: a small download can come and go between
    // two round trips of the test process on a busy machine.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      const texts = (root: Document | ShadowRoot): string[] =>
        [...root.querySelectorAll('*')].flatMap((el) => [
          ...(el.localName === 'aperto-load-progress' ? [el.shadowRoot?.textContent?.replace(/\s+/g, ' ') ?? ''] : []),
          ...(el.shadowRoot ? texts(el.shadowRoot) : []),
        ]);
      const look = () => {
        for (const text of texts(document)) if (text && seen.at(-1) !== text) seen.push(text);
        if (seen.length < 10_000) requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });

    await load!.click();
    await modelReady(page);
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);

    expect(seen.some((text) => /Downloading weights/.test(text) && /\d+ %/.test(text))).toBe(true);
    expect(await page.evaluate(() => crossOriginIsolated), 'COOP/COEP are on, so llama.cpp may use threads').toBe(true);
    expect(await visibleText(page)).toContain('State: ready');
  });

  it('streams real generated tokens into the chat and shows speed figures', async () => {
    await page.click('pierce/a[href="#/chat"]');
    await waitForElement(page, 'textarea[aria-label="Message"]');
    await setTemperature(page, '0');

    const frames = await recordReplyFrames(page);
    await sendMessage(page, 'Hello there');
    const done = await until(() => replyState(page), (state) => !state.streaming && state.figures !== '', 'the reply to finish');
    const reply = await lastReplyText(page);
    const seen = await frames();

    // Streamed: some frame showed part of the reply while it was being written.
    const partials = seen.filter((frame) => frame.streaming && frame.chars > 0);
    expect(partials.length).toBeGreaterThan(0);
    expect(Math.min(...partials.map((frame) => frame.chars))).toBeLessThan(reply.length);
    const speed = /decode (\d+(?:\.\d)?) tok\/s/.exec(done.figures);
    expect(speed).not.toBeNull();
    expect(Number(speed![1])).toBeGreaterThan(0);
  });

  it('gives the same text again at temperature 0', async () => {
    const first = await lastReplyText(page);
    const firstId = await lastMessageId(page);

    await clickButton(page, 'Regenerate');
    await until(() => lastMessageId(page), (id) => id !== firstId, 'a new reply');
    await until(() => replyState(page), (state) => !state.streaming, 'the new reply to finish');

    expect(first.length).toBeGreaterThan(10);
    expect(await lastReplyText(page)).toBe(first);
  });

  it('stops mid-way on Stop, keeping what was generated', async () => {
    await setTemperature(page, '0.8');
    const maxTokens = await waitForElement(page, 'input[type="number"][step="1"]');
    await maxTokens.click({ clickCount: 3 });
    await maxTokens.type('4000');
    await maxTokens.evaluate((el) => el.dispatchEvent(new Event('change', { bubbles: true })));

    await sendMessage(page, 'Tell me a long story');
    await pressStopOnceReplyShows(page, 20);
    const state = await until(() => replyState(page), (s) => !s.streaming, 'the reply to stop', 20_000);

    expect(state.stopped).toBe(true);
    const tokens = Number(/(\d+) tokens/.exec(state.figures)?.[1]);
    expect(tokens).toBeGreaterThan(0);
    expect(tokens).toBeLessThan(4000);
    expect(errors).toEqual([]);
  });

  it('brings the conversation back after a reload', async () => {
    const before = await lastReplyText(page);
    await page.reload();
    await waitForElement(page, 'aperto-chat-message');

    expect(await lastReplyText(page)).toBe(before);
    expect(await visibleText(page)).toContain('Hello there');
  });

  it('loads the model again from this device, without downloading it again', async () => {
    const downloads = async () => {
      const log: string[] = await page.evaluate(async (url) => (await fetch(url)).json(), `${inject('crossOriginHubUrl')}__log`);
      return log.filter((line) => line === 'GET /hub/gguf/synthetic.gguf').length;
    };
    // The hub is shared with other test files; count this load's downloads only.
    const before = await downloads();
    await page.click('pierce/a[href="#/models"]');
    await waitForElement(page, 'aperto-model-card[highlighted]');

    await clickButton(page, /^Load synthetic/);
    await modelReady(page);

    expect(await downloads()).toBe(before);
  });
});
