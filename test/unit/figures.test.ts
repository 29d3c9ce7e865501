/**
 * Speed figures web-llm could not measure: it reports the decode speed as NaN when Stop comes during
 * prefill or a reply is one token long. Such a figure is dropped on export and on import, and a file
 * that has one is still a good file.
 */
import { describe, expect, it } from 'vitest';
import {
  finiteFigures,
  ImportError,
  newConversation,
  parseImport,
  toExportJson,
  type ChatMessage,
  type ReplyFigures,
} from '../../src/chat/conversation.js';

const reply = (content: string, figures?: ReplyFigures): ChatMessage => ({
  id: `assistant-${content}`,
  role: 'assistant',
  content,
  status: 'stopped',
  createdAt: 0,
  ...(figures ? { figures } : {}),
});

const fileWithFigures = (figures: unknown) =>
  JSON.stringify({ format: 'aperto.conversation', conversation: { messages: [{ role: 'assistant', content: 'Hi', figures }] } });

describe('speed figures web-llm could not measure', () => {
  it('keeps only the finite figures', () => {
    expect(finiteFigures({ timeToFirstTokenMs: 120, decodeTokensPerSecond: NaN, prefillTokensPerSecond: Infinity, completionTokens: 1 })).toEqual({
      timeToFirstTokenMs: 120,
      completionTokens: 1,
    });
  });

  it('exports a reply with a NaN decode speed without the figure, never as null', () => {
    const conversation = newConversation();
    conversation.messages.push(reply('A', { timeToFirstTokenMs: 300, decodeTokensPerSecond: NaN, completionTokens: 1 }));

    const json = toExportJson(conversation);

    expect(json).not.toContain('null');
    expect(JSON.parse(json).conversation.messages[0].figures).toEqual({ timeToFirstTokenMs: 300, completionTokens: 1 });
  });

  it('imports what it exported: a NaN decode speed is gone, a missing one stays missing, the other figures stay', () => {
    const conversation = newConversation();
    conversation.messages.push(
      { id: 'q', role: 'user', content: 'Hello', status: 'complete', createdAt: 0 },
      reply('A', { timeToFirstTokenMs: 300, prefillTokensPerSecond: 850.5, decodeTokensPerSecond: NaN, completionTokens: 1, promptTokens: 12 }),
      reply('B', { timeToFirstTokenMs: 250, completionTokens: 1 }),
    );

    const imported = parseImport(toExportJson(conversation));

    expect(imported.messages.map((m) => m.figures)).toEqual([
      undefined,
      { timeToFirstTokenMs: 300, prefillTokensPerSecond: 850.5, completionTokens: 1, promptTokens: 12 },
      { timeToFirstTokenMs: 250, completionTokens: 1 },
    ]);
  });

  it.each([
    ['null (how earlier exports wrote NaN)', '{"decodeTokensPerSecond":null,"completionTokens":1}'],
    ['a number too large for a double (Infinity once parsed)', '{"decodeTokensPerSecond":1e999,"completionTokens":1}'],
  ])('imports a file whose decode speed is %s, without that figure', (_what, figures) => {
    const file = `{"messages":[{"role":"assistant","content":"Hi","figures":${figures}}]}`;

    expect(parseImport(file).messages[0].figures).toEqual({ completionTokens: 1 });
  });

  it.each([
    ['text', 'fast', 'messages[0].figures.decodeTokensPerSecond must be a number from 0 to 1000000000'],
    ['a negative number', -3, 'messages[0].figures.decodeTokensPerSecond must be a number from 0 to 1000000000'],
    ['an object', { value: 3 }, 'messages[0].figures.decodeTokensPerSecond must be a number'],
  ])('still refuses a decode speed that is %s', (_what, value, message) => {
    const file = fileWithFigures({ decodeTokensPerSecond: value });

    expect(() => parseImport(file)).toThrow(ImportError);
    expect(() => parseImport(file)).toThrow(message);
  });

  it('still refuses figures that are not an object', () => {
    expect(() => parseImport(fileWithFigures(null))).toThrow('messages[0].figures must be an object');
  });
});
