/**
 * What the shared model worker uses of web-llm, in a module of its own: imported on the first
 * request that needs it, it becomes its own chunk (web-llm-runtime-*.js), fetched only then.
 */
export { MLCEngine, deleteChatConfigInCache, deleteModelInCache, deleteModelWasmInCache } from '@mlc-ai/web-llm';
