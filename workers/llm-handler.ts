/**
 * The GPU model worker's handler: web-llm's `MLCEngine`, run here, behind our own messages
 * (src/engine/llm-protocol.ts). web-llm is loaded by this worker only, never by the page: the page
 * would otherwise fetch all of web-llm (2.1 MB gzip) a second time just for web-llm's own worker
 * client (README, Decisions). Kept apart from llm.worker.ts so tests can serve the same handler over
 * an engine in a state CI cannot reach (a model whose GPU device was lost).
 */
import type { AppConfig, ChatCompletionChunk, ChatCompletionRequestStreaming, ChatOptions, InitProgressReport } from '@mlc-ai/web-llm';
import { classifyError, errorText } from '../src/engine/errors.js';
import type { LlmCall, LlmFailure, LlmMessage, LlmReplies, LlmRequest, WebLlmFile } from '../src/engine/llm-protocol.js';
import { ConnectViolations } from '../src/security/connect-policy.js';

/** What the handler uses of web-llm's `MLCEngine`. */
export interface WebLlmEngine {
  setAppConfig(appConfig: AppConfig): void;
  setInitProgressCallback(callback: (report: InitProgressReport) => void): void;
  reload(modelId: string, chatOptions?: ChatOptions): Promise<void>;
  chatCompletion(request: ChatCompletionRequestStreaming): Promise<AsyncIterable<ChatCompletionChunk>>;
  interruptGenerate(): unknown;
  getMessage(): Promise<string>;
  unload(): Promise<void>;
}

/** web-llm's own cache functions, one per kind of file it keeps (weights and tokenizer, config, library). */
export type WebLlmCacheFunctions = Record<WebLlmFile, (modelId: string, appConfig: AppConfig) => Promise<void>>;

/** The worker's global scope, as far as the handler needs it. */
export interface WorkerScope extends EventTarget {
  postMessage(message: LlmMessage): void;
}

export function serveLlm(engine: WebLlmEngine, cache: WebLlmCacheFunctions, scope = self as unknown as WorkerScope): void {
  // This worker's policy is its own response's (a production host sends it with every file).
  const violations = new ConnectViolations(scope);
  /** The load whose progress web-llm is reporting. */
  let loading: number | undefined;
  /** Chats under way, and those the page asked to stop. */
  const chats = new Set<number>();
  const stopRequested = new Set<number>();

  const post = (message: LlmMessage) => scope.postMessage(message);
  const reply = <K extends keyof LlmReplies>(id: number, payload: LlmReplies[K]) => post({ kind: 'reply', id, payload });

  engine.setInitProgressCallback((report) => {
    if (loading !== undefined) post({ kind: 'progress', id: loading, payload: report });
  });

  /**
   * A failure as its text (`Name: message`, as web-llm's own worker sent it). A download the policy
   * refused fails like one whose host cannot be reached ("Failed to fetch"); its violation,
   * reported a moment after, tells the page not to retry it.
   */
  async function failure(error: unknown, since: number): Promise<LlmFailure> {
    const text = errorText(error);
    const blockedUrl = await violations.refusedSince(since, classifyError(text) === 'network' ? undefined : 0);
    return { text, ...(blockedUrl ? { blockedUrl } : {}) };
  }

  async function chat(id: number, request: ChatCompletionRequestStreaming): Promise<void> {
    chats.add(id);
    try {
      const chunks = await engine.chatCompletion(request);
      let askedAgain = false;
      for await (const chunk of chunks) {
        // web-llm clears its interrupt flag as generation starts, so a stop that came before was
        // lost; once a chunk shows generation is under way, ask again.
        if (stopRequested.has(id) && !askedAgain) {
          askedAgain = true;
          void engine.interruptGenerate();
        }
        post({ kind: 'chunk', id, payload: chunk });
      }
    } finally {
      chats.delete(id);
      stopRequested.delete(id);
    }
  }

  async function forget(modelId: string, appConfig: AppConfig, files: readonly WebLlmFile[]): Promise<void> {
    // Each on its own: web-llm's weights delete throws without the weights manifest (an interrupted
    // first download), and the others must still run. The page then sweeps what is left (model-cache.ts).
    for (const file of files) await cache[file](modelId, appConfig).catch(() => undefined);
  }

  async function handle(request: LlmCall): Promise<void> {
    const since = performance.now();
    try {
      switch (request.kind) {
        case 'load':
          loading = request.id;
          engine.setAppConfig(request.payload.appConfig);
          await engine.reload(request.payload.modelId, request.payload.chatOptions);
          return reply<'load'>(request.id, null);
        case 'chat':
          await chat(request.id, request.payload.request);
          return reply<'chat'>(request.id, null);
        case 'check':
          // Fails with "ModelNotLoadedError" once a lost GPU device has unloaded the model.
          await engine.getMessage();
          return reply<'check'>(request.id, null);
        case 'unload':
          await engine.unload();
          return reply<'unload'>(request.id, null);
        case 'forget':
          await forget(request.payload.modelId, request.payload.appConfig, request.payload.files);
          return reply<'forget'>(request.id, null);
      }
    } catch (error) {
      post({ kind: 'error', id: request.id, payload: await failure(error, since) });
    } finally {
      if (loading === request.id) loading = undefined;
    }
  }

  scope.addEventListener('message', (event) => {
    const request = (event as MessageEvent<LlmRequest>).data;
    // A dedicated worker has one tab: greetings are for the shared one.
    if (request.kind === 'hello' || request.kind === 'bye') return;
    if (request.kind !== 'stop') return void handle(request);
    // A stop for a chat already over must not cut the next one short.
    if (!chats.has(request.id)) return;
    stopRequested.add(request.id);
    void engine.interruptGenerate();
  });
}
