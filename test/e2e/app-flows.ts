/**
 * What a person does in the app, as the offline, traffic and policy tests need it: load a model
 * named by the link, chat once, translate typed text once. The same steps as cpu-chat.test.ts and
 * cpu-translate.test.ts, shared here so each of those tests reads as its own story.
 */
import type { HTTPResponse, Page } from 'puppeteer-core';
import { clickButton, until, visibleText, waitForElement } from './browser.js';

/**
 * The card of the model the link names, highlighted in Models. A model from outside the catalog is
 * first offered ("Add this model?") and only added once the person agrees, as they do here; one
 * added on an earlier visit is there at once. Returns the card.
 */
export async function acceptLinkedModel(page: Page, timeoutMs = 30_000) {
  const started = Date.now();
  for (;;) {
    const card = await page.$('pierce/aperto-model-card[highlighted]').catch(() => null);
    if (card) return card;
    // Its buttons may not have rendered yet: then the next round presses it.
    if (await page.$('pierce/aperto-model-proposal').catch(() => null)) await clickButton(page, 'Add this model').catch(() => undefined);
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for the linked model's card`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Open Models with `?model=<url>`, add the model it offers, press Load on its card and wait until it is ready.
 * Returns the page's response.
 */
export async function loadLinkedModel(page: Page, appUrl: string, modelUrl: string): Promise<HTTPResponse | null> {
  const response = await page.goto(`${appUrl}?model=${encodeURIComponent(modelUrl)}#/models`);
  await pressLoad(page);
  return response;
}

/** Go to Models, press Load on the card of the model in the link (added first if asked), and wait until it is ready. */
export async function pressLoad(page: Page): Promise<void> {
  await (await waitForElement(page, 'a[href="#/models"]')).click();
  await acceptLinkedModel(page);
  await clickButton(page, /^Load synthetic/);
  await modelReady(page);
}

/** Press Load on the card the link points at (added first if asked), and wait until the model is ready. */
export async function loadLinkedCard(page: Page, timeoutMs = 60_000): Promise<void> {
  const card = await acceptLinkedModel(page);
  await (await card.$('pierce/button.primary'))!.click();
  await modelReady(page, timeoutMs);
}

/**
 * Wait until the status says the model is ready. If it never does, the error carries what the
 * screen showed (load phase, progress, any message), so a rare hang says where it stopped.
 */
export async function modelReady(page: Page, timeoutMs = 60_000): Promise<void> {
  try {
    await until(() => visibleText(page), (text) => text.includes('is loaded and ready'), 'the model to be ready', timeoutMs);
  } catch (error) {
    const screen = await visibleText(page).catch((reason) => `(could not read the screen: ${String(reason)})`);
    throw new Error(`${(error as Error).message}. On screen: ${screen.slice(0, 1500)}`);
  }
}

/** The answer text of the last message on screen (its thinking part left out). */
export function lastReplyText(page: Page): Promise<string> {
  return page.$$eval('pierce/aperto-chat-message', (messages) => messages.at(-1)?.shadowRoot?.querySelector('.md:not(details .md)')?.textContent ?? '');
}

/** Whether the last message on screen is still being written. */
export function replyStreaming(page: Page): Promise<boolean> {
  return page.$$eval('pierce/aperto-chat-message', (messages) => !!messages.at(-1)?.shadowRoot?.querySelector('[aria-busy="true"]'));
}

export function messageCount(page: Page): Promise<number> {
  return page.$$eval('pierce/aperto-chat-message', (messages) => messages.length);
}

/** Type into "Message" and press Enter. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.click('pierce/textarea[aria-label="Message"]');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/**
 * Type into a field as a person would, and make sure the text landed: a view that has just opened
 * may still re-render its field, and keys typed meanwhile go nowhere.
 */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await until(
    async () => {
      const field = await waitForElement(page, selector);
      const value = await field.evaluate((el) => (el as HTMLTextAreaElement).value);
      if (value === text) return true;
      await field.click({ clickCount: 3 });
      await page.keyboard.type(text);
      return (await field.evaluate((el) => (el as HTMLTextAreaElement).value)) === text;
    },
    (typed) => typed,
    `"${text}" in ${selector}`,
    15_000,
  );
}

/** Go to Chat, send `text`, and return the finished reply. */
export async function chatOnce(page: Page, text: string): Promise<string> {
  await page.click('pierce/a[href="#/chat"]');
  await waitForElement(page, 'textarea[aria-label="Message"]');
  const before = await messageCount(page);
  await typeInto(page, 'textarea[aria-label="Message"]', text);
  await page.keyboard.press('Enter');
  await until(() => messageCount(page), (n) => n >= before + 2, 'the question and a reply');
  await until(() => replyStreaming(page), (streaming) => !streaming, 'the reply to finish');
  return until(() => lastReplyText(page), (reply) => reply.length > 0, 'the reply text');
}

/** Go to Translate, type `text` into "Text to translate" and return the caption once complete. */
export async function translateOnce(page: Page, text: string): Promise<string> {
  await page.click('pierce/a[href="#/translate"]');
  await waitForElement(page, 'textarea[aria-label="Text to translate"]');
  await page.click('pierce/input[role="switch"]');
  await typeInto(page, 'textarea[aria-label="Text to translate"]', text);
  await page.keyboard.press('Enter');
  await until(
    () => page.$eval('pierce/[data-figure="complete"]', (cell) => cell.textContent ?? '').catch(() => ''),
    (figure) => /\d+ ms/.test(figure),
    'the complete-translation figure',
  );
  const captions = await page.$$eval('pierce/[part="caption"]', (lines) => lines.map((l) => l.textContent?.trim() ?? ''));
  return captions.at(-1) ?? '';
}

/**
 * Wait until the service worker has installed (the whole app precached) and activated. It controls
 * the page from the next load on.
 */
export async function serviceWorkerReady(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const worker = (await navigator.serviceWorker.ready).active;
    if (worker && worker.state !== 'activated') {
      await new Promise((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve(undefined)));
    }
    return worker?.state ?? 'none';
  });
}

/**
 * Record, in the page, on every frame, how much of the last reply is on screen and whether it is
 * still being written. A reply from a small model can be over in less time than a few DevTools
 * round trips take on a loaded machine, so watching it from the test process can miss it streaming.
 * Returns a function that stops recording and gives the frames.
 */
export async function recordReplyFrames(page: Page): Promise<() => Promise<Array<{ streaming: boolean; chars: number }>>> {
  await page.evaluate(() => {
    const frames: Array<{ streaming: boolean; chars: number }> = [];
    const state = window as unknown as { __replyFrames: typeof frames; __replyFramesOn: boolean };
    state.__replyFrames = frames;
    state.__replyFramesOn = true;
    const sample = () => {
      if (!state.__replyFramesOn) return;
      const chat = document.querySelector('aperto-app')?.shadowRoot?.querySelector('aperto-chat') ?? document.querySelector('aperto-chat');
      const messages = chat?.shadowRoot?.querySelectorAll('aperto-chat-message');
      const last = messages?.[messages.length - 1]?.shadowRoot;
      const text = last?.querySelector('.md:not(details .md)')?.textContent ?? '';
      frames.push({ streaming: !!last?.querySelector('[aria-busy="true"]'), chars: text.length });
      requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
  return () =>
    page.evaluate(() => {
      const state = window as unknown as { __replyFrames: Array<{ streaming: boolean; chars: number }>; __replyFramesOn: boolean };
      state.__replyFramesOn = false;
      return state.__replyFrames;
    });
}

/**
 * Press Stop as a person watching the screen would, in the first frame where the reply being
 * written shows at least `chars` characters. Done inside the page: from the test process, a fast
 * reply can end between seeing its first words and the click arriving. Returns the characters on
 * screen when Stop was pressed.
 */
export function pressStopOnceReplyShows(page: Page, chars: number, timeoutMs = 30_000): Promise<number> {
  return page.evaluate(
    (wanted, timeout) =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        const look = () => {
          const chat = document.querySelector('aperto-app')?.shadowRoot?.querySelector('aperto-chat') ?? document.querySelector('aperto-chat');
          const messages = chat?.shadowRoot?.querySelectorAll('aperto-chat-message');
          const last = messages?.[messages.length - 1]?.shadowRoot;
          const shown = last?.querySelector('.md:not(details .md)')?.textContent?.length ?? 0;
          const stop = [...(chat?.shadowRoot?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === 'Stop' && !b.disabled);
          if (stop && last?.querySelector('[aria-busy="true"]') && shown >= wanted) {
            stop.click();
            resolve(shown);
          } else if (performance.now() - started > timeout) {
            reject(new Error(`No reply being written showed ${wanted} characters with Stop enabled within ${timeout} ms`));
          } else {
            requestAnimationFrame(look);
          }
        };
        requestAnimationFrame(look);
      }),
    chars,
    timeoutMs,
  );
}

export function lastMessageId(page: Page): Promise<string | null> {
  return page.$$eval('pierce/aperto-chat-message', (messages) => messages.at(-1)?.getAttribute('data-id') ?? null);
}

/** The last message as a person sees it: still being written, stopped early, its figures. */
export function replyState(page: Page): Promise<{ streaming: boolean; stopped: boolean; figures: string }> {
  return page.$$eval('pierce/aperto-chat-message', (messages) => {
    const last = messages.at(-1)?.shadowRoot;
    return {
      streaming: !!last?.querySelector('[aria-busy="true"]'),
      stopped: !!last?.querySelector('[data-state="stopped"]'),
      figures: last?.querySelector('[aria-label="Speed figures"]')?.textContent ?? '',
    };
  });
}

/**
 * Open the chat's settings if they are closed. Scrolled to the middle of the view first: the app's
 * header stays on top while the page scrolls and would take a click aimed at a button under it.
 */
async function openChatSettings(page: Page): Promise<void> {
  await waitForElement(page, 'header button[aria-expanded]');
  // The chat's header has other toggles ("Chats", "More" on narrow screens): the one named Settings.
  const toggles = await page.$$('pierce/header button[aria-expanded]');
  const names = await Promise.all(toggles.map((b) => b.evaluate((el) => el.textContent?.trim())));
  const settingsButton = toggles[names.indexOf('Settings')];
  if (!settingsButton) throw new Error(`No Settings button in the chat's header (found: ${names.join(', ')})`);
  await settingsButton.evaluate((b) => b.scrollIntoView({ block: 'center' }));
  if ((await settingsButton.evaluate((b) => b.getAttribute('aria-expanded'))) !== 'true') await settingsButton.click();
}

/** Open the chat's settings (if closed) and set a number field, as a person types it. */
export async function setChatNumber(page: Page, field: 'temperature' | 'maxTokens', value: string): Promise<void> {
  await openChatSettings(page);
  const input = await waitForElement(page, `input[type="number"][step="${field === 'temperature' ? '0.05' : '1'}"]`);
  await input.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await input.click({ clickCount: 3 });
  await input.type(value);
  await input.evaluate((el) => el.dispatchEvent(new Event('change', { bubbles: true })));
}

export function setTemperature(page: Page, value: string): Promise<void> {
  return setChatNumber(page, 'temperature', value);
}

/** Replace the conversation's system prompt in the chat's settings. */
export async function setSystemPrompt(page: Page, text: string): Promise<void> {
  await openChatSettings(page);
  const field = await waitForElement(page, 'form[aria-label="Conversation settings"] textarea');
  await field.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await field.click({ clickCount: 3 });
  await field.evaluate((el) => ((el as HTMLTextAreaElement).value = ''));
  await page.keyboard.type(text);
  await field.evaluate((el) => el.dispatchEvent(new Event('change', { bubbles: true })));
}

/** Send `text` and wait until its reply is finished (figures shown); returns the reply and its state. */
export async function askAndWait(page: Page, text: string, timeoutMs = 180_000): Promise<{ reply: string; stopped: boolean; figures: string }> {
  const before = await messageCount(page);
  await sendMessage(page, text);
  await until(() => messageCount(page), (n) => n >= before + 2, 'the question and a reply');
  const state = await until(() => replyState(page), (s) => !s.streaming && s.figures !== '', 'the reply to finish', timeoutMs);
  return { reply: await lastReplyText(page), stopped: state.stopped, figures: state.figures };
}
