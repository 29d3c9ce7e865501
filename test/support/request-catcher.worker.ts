/**
 * The GPU model worker's handler over web-llm's real MLCEngine, with the one call CI cannot make
 * (generation: no model library loads here) caught where web-llm would receive it: each chat
 * request is sent back to the page as `{kind: 'caught', request}` (no id, so the engine client
 * ignores it), and answered with one chunk of the French the test expects.
 */
import { MLCEngine, deleteChatConfigInCache, deleteModelInCache, deleteModelWasmInCache, type ChatCompletionChunk } from '@mlc-ai/web-llm';
import { serveLlm } from '../../workers/llm-handler.js';

const engine = new MLCEngine();
engine.chatCompletion = (async (request: unknown) => {
  (self as unknown as Worker).postMessage({ kind: 'caught', request });
  return (async function* () {
    yield { choices: [{ index: 0, delta: { content: 'Quelle est la capitale de la France ?' }, finish_reason: 'stop' }] } as unknown as ChatCompletionChunk;
  })();
}) as unknown as MLCEngine['chatCompletion'];
serveLlm(engine, { weights: deleteModelInCache, config: deleteChatConfigInCache, library: deleteModelWasmInCache });
