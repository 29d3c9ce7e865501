/** A conversation as kept on this device, exported and imported. */
import { FIGURE_KEYS, finiteFigures } from '../engine/reply-checks.js';

export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'error';

export interface ReplyFigures {
  timeToFirstTokenMs?: number;
  prefillTokensPerSecond?: number;
  decodeTokensPerSecond?: number;
  completionTokens?: number;
  promptTokens?: number;
}

// One list of figure names and one finiteness rule, shared with the engines that report them.
export { finiteFigures };

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
//
// What this device stored is read back through the same checks (another tab, an older or newer
// version, or a person with the developer tools may have written it): the same types, but none of
// the import's size limits, since a person's own long conversation must never be refused.

export class ImportError extends Error {
  override name = 'ImportError';
}

const MAX_MESSAGES = 10000;
const MAX_TEXT = 1_000_000;

type Json = Record<string, unknown>;

/** Where the data comes from: a file being imported, or this device's own storage. */
interface Reading {
  stored: boolean;
  now: number;
  /** Settings the data leaves out are taken from these. */
  base: Readonly<ConversationSettings>;
}

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

function parseMessage(value: unknown, where: string, reading: Reading): ChatMessage {
  if (!isObject(value)) throw new ImportError(`${where} must be an object.`);
  if (value.role !== 'user' && value.role !== 'assistant') {
    throw new ImportError(`${where}.role must be "user" or "assistant".`);
  }
  const status = value.status ?? 'complete';
  if (!['complete', 'stopped', 'error', 'streaming'].includes(status as string)) {
    throw new ImportError(`${where}.status must be "complete", "stopped" or "error".`);
  }
  const limit = (max: number) => (reading.stored ? Infinity : max);
  const message: ChatMessage = {
    // An import always gets fresh ids; this device's own messages keep theirs.
    id: reading.stored && value.id !== undefined ? text(value.id, `${where}.id`) : newId(),
    role: value.role,
    content: text(value.content, `${where}.content`, limit(MAX_TEXT)),
    // A reply that was still streaming when exported (or when the tab closed) is, from here on, a stopped one.
    status: status === 'streaming' ? 'stopped' : (status as MessageStatus),
    createdAt: value.createdAt === undefined ? reading.now : number(value.createdAt, `${where}.createdAt`, 0, 1e14),
  };
  if (value.thinking !== undefined) message.thinking = text(value.thinking, `${where}.thinking`, limit(MAX_TEXT));
  if (value.error !== undefined) message.error = text(value.error, `${where}.error`, limit(2000));
  if (value.modelId !== undefined) message.modelId = text(value.modelId, `${where}.modelId`, limit(300));
  if (value.droppedTurns !== undefined) message.droppedTurns = Math.round(number(value.droppedTurns, `${where}.droppedTurns`, 0, 1e6));
  const figures = optionalFigures(value.figures, `${where}.figures`);
  if (figures) message.figures = figures;
  return message;
}

function parseSettings(value: unknown, reading: Reading): ConversationSettings {
  if (value === undefined) return { ...reading.base };
  if (!isObject(value)) throw new ImportError('conversation.settings must be an object.');
  const s = { ...reading.base };
  const promptLimit = reading.stored ? Infinity : SETTING_LIMITS.systemPrompt.maxLength;
  if (value.systemPrompt !== undefined) s.systemPrompt = text(value.systemPrompt, 'settings.systemPrompt', promptLimit);
  if (value.temperature !== undefined) s.temperature = number(value.temperature, 'settings.temperature', 0, 2);
  if (value.topP !== undefined) s.topP = number(value.topP, 'settings.topP', 0.01, 1);
  if (value.maxTokens !== undefined) s.maxTokens = Math.round(number(value.maxTokens, 'settings.maxTokens', 1, 32768));
  if (value.thinking !== undefined) {
    if (typeof value.thinking !== 'boolean') throw new ImportError('settings.thinking must be true or false.');
    s.thinking = value.thinking;
  }
  return s;
}

function parseConversation(raw: Json, reading: Reading): Omit<Conversation, 'id'> {
  if (!Array.isArray(raw.messages)) throw new ImportError('conversation.messages must be a list of messages.');
  if (!reading.stored && raw.messages.length > MAX_MESSAGES) {
    throw new ImportError(`The conversation has more than ${MAX_MESSAGES} messages.`);
  }
  const messages = raw.messages.map((m, i) => parseMessage(m, `messages[${i}]`, reading));
  const title =
    raw.title === undefined ? titleFrom(messages[0]?.content ?? '') : text(raw.title, 'conversation.title', reading.stored ? Infinity : 300);
  const time = (value: unknown, where: string) => (reading.stored && value !== undefined ? number(value, where, 0, 1e14) : reading.now);
  return {
    title: title.trim() || 'Imported chat',
    createdAt: time(raw.createdAt, 'conversation.createdAt'),
    updatedAt: time(raw.updatedAt, 'conversation.updatedAt'),
    settings: parseSettings(raw.settings, reading),
    messages,
  };
}

/**
 * Parse an exported conversation. The result always has fresh ids, so importing never replaces
 * an existing conversation. Settings the file leaves out are taken from `base`.
 */
export function parseImport(fileText: string, now = Date.now(), base: Readonly<ConversationSettings> = DEFAULT_SETTINGS): Conversation {
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
  return { id: newId(), ...parseConversation(raw, { stored: false, now, base }) };
}

/**
 * A conversation as read back from this device's storage, checked like an import but keeping its
 * ids and times. `id` is the key it was stored under, which is what the list and links use.
 * Throws an ImportError if the record is not a conversation.
 */
export function parseStoredConversation(value: unknown, id: string, now = Date.now()): Conversation {
  if (!isObject(value)) throw new ImportError('The stored conversation is not an object.');
  return { id, ...parseConversation(value, { stored: true, now, base: DEFAULT_SETTINGS }) };
}

/** Chat settings as read back from this device's storage; throws an ImportError if they are not settings. */
export function parseStoredSettings(value: unknown): ConversationSettings {
  return parseSettings(value, { stored: true, now: Date.now(), base: DEFAULT_SETTINGS });
}
