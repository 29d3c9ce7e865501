/**
 * The GPU model worker: web-llm's `MLCEngine`, which owns the GPU device and the model, served to
 * the page with our own messages (llm-handler.ts, src/engine/llm-protocol.ts). The one place
 * web-llm's code is loaded: the page never imports it, so it is fetched once, by this worker, and
 * never when the CPU engine runs models.
 */
import { MLCEngine, deleteChatConfigInCache, deleteModelInCache, deleteModelWasmInCache } from './web-llm-runtime.js';
import { serveLlm } from './llm-handler.js';

serveLlm(new MLCEngine(), { weights: deleteModelInCache, config: deleteChatConfigInCache, library: deleteModelWasmInCache });
