/** A conversation as kept on this device, exported and imported. */

export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'error';

export interface ReplyFigures {
  timeToFirstTokenMs?: number;
  prefillTokensPerSecond?: number;
  decodeTokensPerSecond?: number;
  completionTokens?: number;
  promptTokens?: number;
}

const FIGURE_KEYS = ['timeToFirstTokenMs', 'prefillTokensPerSecond', 'decodeTokensPerSecond', 'completionTokens', 'promptTokens'] as const;

/**
 * The figures that are real numbers. web-llm reports the decode speed as NaN when Stop comes during
 * prefill or a reply is one token long; such a figure says nothing, so it is left out rather than
 * shown as "NaN tok/s" or exported as `null`.
 */
export function finiteFigures(figures: ReplyFigures): ReplyFigures {
  const kept: ReplyFigures = {};
  for (const key of FIGURE_KEYS) {
    const value = figures[key];
    if (typeof value === 'number' && Number.isFinite(value)) kept[key] = value;
  }
  return kept;
}

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  /** For replies: the answer, without the reasoning. */
  content: string;
  /** For replies of reasoning models: the text inside `<think>…</think>`. */
  thinking?: string;
  status: MessageStatus;
  error?: string;
  figures?: ReplyFigures;
  modelId?: string;
  /** Older turns left out of this reply's prompt to fit the context window. */
  droppedTurns?: number;
  createdAt: number;
}

export interface ConversationSettings {
  systemPrompt: string;
  temperature: number;
  topP: number;
  maxTokens: number;
  /** Qwen3 family only: reason before answering. */
  thinking: boolean;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  settings: ConversationSettings;
  messages: ChatMessage[];
}

export const DEFAULT_SETTINGS: Readonly<ConversationSettings> = Object.freeze({
  systemPrompt: 'You are a helpful assistant.',
  temperature: 0.7,
  topP: 0.95,
  maxTokens: 1024,
  thinking: true,
});

export const SETTING_LIMITS = {
  temperature: { min: 0, max: 2 },
  topP: { min: 0.01, max: 1 },
  maxTokens: { min: 1, max: 32768 },
  systemPrompt: { maxLength: 20000 },
} as const;

export function newId(): string {
  return crypto.randomUUID();
}

export function newConversation(settings: ConversationSettings = DEFAULT_SETTINGS, now = Date.now()): Conversation {
  return { id: newId(), title: 'New chat', createdAt: now, updatedAt: now, settings: { ...settings }, messages: [] };
}

/** A title from the first words of the first message. */
export function titleFrom(text: string): string {
  const words = text.replace(/\s+/g, ' ').trim();
  return words.length > 60 ? `${words.slice(0, 57).trimEnd()}…` : words || 'New chat';
}

export function toMarkdown(conversation: Conversation): string {
  const lines = [`# ${conversation.title}`, ''];
  if (conversation.settings.systemPrompt) lines.push(`> System: ${conversation.settings.systemPrompt}`, '');
  for (const message of conversation.messages) {
    const who = message.role === 'user' ? 'You' : `Assistant${message.modelId ? ` (${message.modelId})` : ''}`;
    lines.push(`**${who}:**`, '', message.content);
    if (message.status === 'stopped') lines.push('', '_(stopped)_');
    lines.push('');
  }
  return lines.join('\n');
}

export const EXPORT_FORMAT = 'aperto.conversation';

export function toExportJson(conversation: Conversation): string {
  // JSON has no NaN: left in, a figure would be written as null.
  const messages = conversation.messages.map((m) => (m.figures ? { ...m, figures: finiteFigures(m.figures) } : m));
  return JSON.stringify(
    { format: EXPORT_FORMAT, version: 1, exportedAt: new Date().toISOString(), conversation: { ...conversation, messages } },
    null,
    2,
  );
}

// ---------------------------------------------------------------------------------------------
// Import: the file is untrusted. Every field is checked; anything wrong is rejected with a message
// that says where, and nothing is written until the whole file is valid.

export class ImportError extends Error {
  override name = 'ImportError';
}

const MAX_MESSAGES = 10000;
const MAX_TEXT = 1_000_000;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, where: string, max = MAX_TEXT): string {
  if (typeof value !== 'string') throw new ImportError(`${where} must be text.`);
  if (value.length > max) throw new ImportError(`${where} is too long (over ${max.toLocaleString('en')} characters).`);
  return value;
}

function number(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ImportError(`${where} must be a number from ${min} to ${max}.`);
  }
  return value;
}

function optionalFigures(value: unknown, where: string): ReplyFigures | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new ImportError(`${where} must be an object.`);
  const figures: ReplyFigures = {};
  for (const key of FIGURE_KEYS) {
    const figure = value[key];
    // A speed web-llm could not measure (NaN) reaches the file as null, from older exports, or as
    // Infinity from an overlong literal: no figure, not a broken file. Anything else is checked.
    if (figure === undefined || figure === null || (typeof figure === 'number' && !Number.isFinite(figure))) continue;
    figures[key] = number(figure, `${where}.${key}`, 0, 1e9);
  }
  return figures;
}

function parseMessage(value: unknown, where: string, now: number): ChatMessage {
  if (!isObject(value)) throw new ImportError(`${where} must be an object.`);
  if (value.role !== 'user' && value.role !== 'assistant') {
    throw new ImportError(`${where}.role must be "user" or "assistant".`);
  }
  const status = value.status ?? 'complete';
  if (!['complete', 'stopped', 'error', 'streaming'].includes(status as string)) {
    throw new ImportError(`${where}.status must be "complete", "stopped" or "error".`);
  }
  const message: ChatMessage = {
    id: newId(),
    role: value.role,
    content: text(value.content, `${where}.content`),
    // A reply that was still streaming when exported is, from here on, a stopped one.
    status: status === 'streaming' ? 'stopped' : (status as MessageStatus),
    createdAt: value.createdAt === undefined ? now : number(value.createdAt, `${where}.createdAt`, 0, 1e14),
  };
  if (value.thinking !== undefined) message.thinking = text(value.thinking, `${where}.thinking`);
  if (value.error !== undefined) message.error = text(value.error, `${where}.error`, 2000);
  if (value.modelId !== undefined) message.modelId = text(value.modelId, `${where}.modelId`, 300);
  const figures = optionalFigures(value.figures, `${where}.figures`);
  if (figures) message.figures = figures;
  return message;
}

function parseSettings(value: unknown): ConversationSettings {
  if (value === undefined) return { ...DEFAULT_SETTINGS };
  if (!isObject(value)) throw new ImportError('conversation.settings must be an object.');
  const s = { ...DEFAULT_SETTINGS };
  if (value.systemPrompt !== undefined) s.systemPrompt = text(value.systemPrompt, 'settings.systemPrompt', SETTING_LIMITS.systemPrompt.maxLength);
  if (value.temperature !== undefined) s.temperature = number(value.temperature, 'settings.temperature', 0, 2);
  if (value.topP !== undefined) s.topP = number(value.topP, 'settings.topP', 0.01, 1);
  if (value.maxTokens !== undefined) s.maxTokens = Math.round(number(value.maxTokens, 'settings.maxTokens', 1, 32768));
  if (value.thinking !== undefined) {
    if (typeof value.thinking !== 'boolean') throw new ImportError('settings.thinking must be true or false.');
    s.thinking = value.thinking;
  }
  return s;
}

/**
 * Parse an exported conversation. The result always has fresh ids, so importing never replaces
 * an existing conversation.
 */
export function parseImport(fileText: string, now = Date.now()): Conversation {
  let data: unknown;
  try {
    data = JSON.parse(fileText);
  } catch {
    throw new ImportError('This file is not valid JSON. Choose a conversation exported from Aperto as JSON.');
  }
  if (!isObject(data)) throw new ImportError('This file is not an Aperto conversation.');
  if (data.format !== undefined && data.format !== EXPORT_FORMAT) {
    throw new ImportError(`This file is a "${String(data.format).slice(0, 80)}" file, not an Aperto conversation.`);
  }
  const raw = data.format === EXPORT_FORMAT ? data.conversation : data;
  if (!isObject(raw)) throw new ImportError('This file has no conversation in it.');
  if (!Array.isArray(raw.messages)) throw new ImportError('conversation.messages must be a list of messages.');
  if (raw.messages.length > MAX_MESSAGES) throw new ImportError(`The conversation has more than ${MAX_MESSAGES} messages.`);
  const messages = raw.messages.map((m, i) => parseMessage(m, `messages[${i}]`, now));
  const title = raw.title === undefined ? titleFrom(messages[0]?.content ?? '') : text(raw.title, 'conversation.title', 300);
  return {
    id: newId(),
    title: title.trim() || 'Imported chat',
    createdAt: now,
    updatedAt: now,
    settings: parseSettings(raw.settings),
    messages,
  };
}
