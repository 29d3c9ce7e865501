/**
 * web-llm's real worker handler in the state its GPU device-lost handler leaves it in: the handler
 * still records the model it loaded (so it does not reload it), while the engine under it has
 * unloaded every pipeline. Every request then meets web-llm's own "Model not loaded" error, as on a
 * real GPU after `device.lost`. (CI has no model library to load a real model with.)
 */
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';

const handler = new WebWorkerMLCEngineHandler();
const modelId = new URL(self.location.href).searchParams.get('model') ?? 'unknown';
(handler as unknown as { modelId: string[] }).modelId = [modelId];
self.onmessage = (event: MessageEvent) => handler.onmessage(event);
