// Library entry: classes and helpers only; nothing is defined as a side effect (see define.ts).
export { ApertoApp } from './elements/app/app.js';
export { ApertoChat } from './elements/chat/chat.js';
export { ApertoChatHistory } from './elements/chat-history/chat-history.js';
export { ApertoChatMessage } from './elements/chat-message/chat-message.js';
export { ApertoChatSettings } from './elements/chat-settings/chat-settings.js';
export { ChatSession } from './chat/chat-session.js';
export type { ChatEngine, ChatRequest, ChatStreamEvent } from './engine/chat-engine.js';
export { ApertoDevicePanel } from './elements/device-panel/device-panel.js';
export { ApertoLoadProgress } from './elements/load-progress/load-progress.js';
export { ApertoModelCard } from './elements/model-card/model-card.js';
export { ApertoModelManager } from './elements/model-manager/model-manager.js';
export { ApertoNoWebgpu } from './elements/no-webgpu/no-webgpu.js';
export { ApertoStatusStrip } from './elements/status-strip/status-strip.js';
export { EngineClient } from './engine/engine-client.js';
export { EngineStore, type EngineState } from './engine/store.js';
export { pageEngine } from './engine/page-engine.js';
export type { EngineError, EngineErrorCode } from './engine/errors.js';
