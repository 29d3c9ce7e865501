/**
 * The GPU model worker (our handler over web-llm's real MLCEngine) in the state web-llm's GPU
 * device-lost handler leaves it in: a load reported as done, while the engine under it has unloaded
 * every pipeline. Every request then meets web-llm's own "Model not loaded" error, as on a real GPU
 * after `device.lost`. (CI has no model library to load a real model with.)
 */
import { MLCEngine, deleteChatConfigInCache, deleteModelInCache, deleteModelWasmInCache } from '@mlc-ai/web-llm';
import { serveLlm } from '../../workers/llm-handler.js';

const engine = new MLCEngine();
// The load "succeeds" and the device is lost at once: web-llm then holds no pipeline at all.
engine.reload = async () => undefined;
serveLlm(engine, { weights: deleteModelInCache, config: deleteChatConfigInCache, library: deleteModelWasmInCache });
