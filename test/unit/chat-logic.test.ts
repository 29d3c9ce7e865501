import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, ImportError, parseImport, toExportJson, toMarkdown, newConversation, type ChatMessage } from '../../src/chat/conversation.js';
import { buildPrompt, countTurns } from '../../src/chat/prompt.js';
import { splitThinking, ThinkingSplitter } from '../../src/chat/thinking.js';
import { supportsThinkingSwitch } from '../../src/chat/chat-session.js';

const msg = (role: 'user' | 'assistant', content: string, status: ChatMessage['status'] = 'complete'): ChatMessage => ({
  id: `${role}-${content}`,
  role,
  content,
  status,
  createdAt: 0,
});

describe('splitThinking', () => {
  it('separates Qwen3-style <think> reasoning from the answer', () => {
    expect(splitThinking('<think>\nweigh it\n</think>\n\nYes.')).toEqual({ thinking: 'weigh it', answer: 'Yes.', thinkingOpen: false });
  });

  it('keeps streaming thoughts open until the closing tag arrives', () => {
    expect(splitThinking('<think>still going')).toEqual({ thinking: 'still going', answer: '', thinkingOpen: true });
  });

  it('treats text before a lone </think> as reasoning (DeepSeek-R1 distills omit the opening tag)', () => {
    expect(splitThinking('pondering</think>Answer')).toEqual({ thinking: 'pondering', answer: 'Answer', thinkingOpen: false });
  });

  it('does not flash a half-typed "<thi" as answer text', () => {
    expect(splitThinking('<thi').answer).toBe('');
  });

  it('leaves replies without reasoning untouched', () => {
    expect(splitThinking('Just an answer <b>')).toEqual({ thinking: '', answer: 'Just an answer <b>', thinkingOpen: false });
  });
});

describe('buildPrompt', () => {
  const history = [msg('user', 'q1'), msg('assistant', 'a1'), msg('user', 'q2'), msg('assistant', 'a2'), msg('user', 'q3')];

  it('starts with the system prompt and keeps the conversation in order', () => {
    expect(buildPrompt('Be brief.', history).map((t) => t.content)).toEqual(['Be brief.', 'q1', 'a1', 'q2', 'a2', 'q3']);
  });

  it('drops whole exchanges from the oldest, keeping the system prompt', () => {
    expect(buildPrompt('Be brief.', history, 2).map((t) => t.content)).toEqual(['Be brief.', 'q3']);
  });

  it('leaves out failed replies and omits an empty system prompt', () => {
    const withError = [msg('user', 'q1'), msg('assistant', 'partial', 'error'), msg('user', 'q2')];
    expect(buildPrompt('  ', withError)).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'user', content: 'q2' },
    ]);
  });

  it('counts exchanges by user messages', () => {
    expect(countTurns(history)).toBe(3);
  });
});

describe('conversation import', () => {
  const exported = () => {
    const c = newConversation();
    c.title = 'Trip';
    c.messages.push(msg('user', 'Plan a trip'), { ...msg('assistant', 'Sure'), thinking: 'hmm', figures: { completionTokens: 3 } });
    return c;
  };

  it('round-trips an exported conversation with fresh ids', () => {
    const original = exported();
    const imported = parseImport(toExportJson(original));
    expect(imported.title).toBe('Trip');
    expect(imported.messages.map((m) => [m.role, m.content, m.thinking])).toEqual([
      ['user', 'Plan a trip', undefined],
      ['assistant', 'Sure', 'hmm'],
    ]);
    expect(imported.id).not.toBe(original.id);
    expect(imported.messages[0].id).not.toBe(original.messages[0].id);
  });

  it.each([
    ['not JSON', 'nope', 'not valid JSON'],
    ['a list', '[]', 'not an Aperto conversation'],
    ['another format', '{"format":"other.app"}', '"other.app" file'],
    ['no messages', '{"format":"aperto.conversation","conversation":{}}', 'messages must be a list'],
    ['a bad role', '{"messages":[{"role":"root","content":"x"}]}', 'messages[0].role'],
    ['content that is not text', '{"messages":[{"role":"user","content":{"a":1}}]}', 'messages[0].content must be text'],
    ['an out-of-range temperature', '{"messages":[],"settings":{"temperature":9}}', 'settings.temperature must be a number from 0 to 2'],
    ['a bad status', '{"messages":[{"role":"user","content":"x","status":"pwned"}]}', 'messages[0].status'],
  ])('rejects %s with a message that says what is wrong', (_what, text, message) => {
    expect(() => parseImport(text)).toThrow(ImportError);
    expect(() => parseImport(text)).toThrow(message);
  });

  it('marks a reply that was still streaming when exported as stopped', () => {
    const imported = parseImport(JSON.stringify({ messages: [msg('user', 'q'), msg('assistant', 'half', 'streaming')] }));
    expect(imported.messages[1].status).toBe('stopped');
  });

  it('fills missing settings with defaults', () => {
    expect(parseImport('{"messages":[]}').settings).toEqual(DEFAULT_SETTINGS);
  });

  it('exports Markdown with who said what and stopped replies marked', () => {
    const c = exported();
    c.messages[1].status = 'stopped';
    const md = toMarkdown(c);
    expect(md).toContain('# Trip');
    expect(md).toContain('**You:**\n\nPlan a trip');
    expect(md).toContain('_(stopped)_');
  });
});

describe('thinking switch', () => {
  it('is offered for Qwen3 and Qwen3.5 models only', () => {
    expect(supportsThinkingSwitch('Qwen3-0.6B-q4f32_1-MLC')).toBe(true);
    expect(supportsThinkingSwitch('Qwen3.5-2B-q4f32_1-MLC')).toBe(true);
    expect(supportsThinkingSwitch('Qwen2.5-0.5B-Instruct-q4f32_1-MLC')).toBe(false);
    expect(supportsThinkingSwitch('DeepSeek-R1-Distill-Qwen-7B-q4f32_1-MLC')).toBe(false);
  });
});

describe('ThinkingSplitter (streaming)', () => {
  const stream = (pieces: string[]) => {
    const splitter = new ThinkingSplitter();
    let last: ReturnType<ThinkingSplitter['push']> | undefined;
    for (const piece of pieces) last = splitter.push(piece);
    return last!;
  };

  it.each([
    ['Qwen3-style reasoning, tags split across pieces', ['<thi', 'nk>\nLet me', ' see.</th', 'ink>\n\nThe', ' answer.']],
    ['DeepSeek-style reasoning without an opening tag', ['pondering', ' more', '</think>', 'Answer', ' here']],
    ['a plain answer', ['Just', ' an', ' answer', ' with <b>tags</b>']],
    ['an answer that starts with whitespace', ['\n\n', 'Hi', ' there']],
  ])('agrees with splitting the whole text for %s', (_what, pieces) => {
    expect(stream(pieces)).toEqual(splitThinking(pieces.join('')));
  });
});
