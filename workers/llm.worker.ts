/**
 * The LLM worker: web-llm's own handler, nothing more. It owns the GPU device and the model; the
 * page talks to it through `WebWorkerMLCEngine` (src/engine/engine-client.ts).
 */
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';

const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (event: MessageEvent) => handler.onmessage(event);
