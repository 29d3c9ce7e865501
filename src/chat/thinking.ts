/**
 * Reasoning models (Qwen3, DeepSeek-R1 distills) write their thoughts inside `<think>…</think>`
 * before the answer. DeepSeek-R1 distills often omit the opening tag because their chat template
 * already wrote it, so a lone `</think>` also closes a thinking part that started at the beginning.
 */
export interface SplitReply {
  thinking: string;
  answer: string;
  /** Thoughts have started and the closing tag has not arrived yet. */
  thinkingOpen: boolean;
}

const OPEN = '<think>';
const CLOSE = '</think>';

export function splitThinking(raw: string): SplitReply {
  const leading = raw.trimStart();
  const close = raw.indexOf(CLOSE);
  if (leading.startsWith(OPEN)) {
    const start = raw.indexOf(OPEN) + OPEN.length;
    if (close === -1) return { thinking: raw.slice(start).trimStart(), answer: '', thinkingOpen: true };
    return { thinking: raw.slice(start, close).trim(), answer: raw.slice(close + CLOSE.length).trimStart(), thinkingOpen: false };
  }
  if (close !== -1) {
    return { thinking: raw.slice(0, close).trim(), answer: raw.slice(close + CLOSE.length).trimStart(), thinkingOpen: false };
  }
  // Still possibly typing "<think>": hold back a partial tag so it never flashes as answer text.
  if (OPEN.startsWith(leading) && leading.length > 0) return { thinking: '', answer: '', thinkingOpen: false };
  return { thinking: '', answer: raw, thinkingOpen: false };
}

/**
 * Incremental version for streaming, with no per-token work that grows with the reply: thoughts and
 * answer are extended by each new piece, and the closing tag is looked for only around it. When the
 * tag turns up, the split is done once on the whole text.
 */
export class ThinkingSplitter {
  private raw = '';
  private state: 'start' | 'thinking' | 'answer' | 'plain' = 'start';
  private thinking = '';
  private answer = '';

  get text(): string {
    return this.raw;
  }

  push(delta: string): SplitReply {
    const searchFrom = Math.max(0, this.raw.length - CLOSE.length);
    this.raw += delta;
    if (this.state === 'answer') {
      this.answer = this.answer ? this.answer + delta : delta.trimStart();
      return { thinking: this.thinking, answer: this.answer, thinkingOpen: false };
    }
    if (this.state !== 'start' && this.raw.indexOf(CLOSE, searchFrom) !== -1) {
      const split = splitThinking(this.raw);
      this.state = 'answer';
      this.thinking = split.thinking;
      this.answer = split.answer;
      return split;
    }
    if (this.state === 'thinking') {
      this.thinking += delta;
      return { thinking: this.thinking.trimStart(), answer: '', thinkingOpen: true };
    }
    if (this.state === 'plain') {
      this.answer += delta;
      return { thinking: '', answer: this.answer, thinkingOpen: false };
    }
    // Still at the start: decide once enough has arrived to tell "<think>" from an answer.
    const split = splitThinking(this.raw);
    const leading = this.raw.trimStart();
    if (split.thinkingOpen) {
      this.state = 'thinking';
      this.thinking = split.thinking;
    } else if (!split.thinking && !OPEN.startsWith(leading)) {
      this.state = this.raw.includes(CLOSE) ? 'answer' : 'plain';
      this.answer = split.answer;
    } else if (split.thinking || split.answer) {
      this.state = 'answer';
      this.thinking = split.thinking;
      this.answer = split.answer;
    }
    return split;
  }
}

/**
 * Qwen3 models take a thinking switch (`enable_thinking`); others reason or not on their own. Sent
 * to any other model, web-llm injects an empty think block into its prompt (Llama, Gemma, Phi,
 * Mistral), so the switch is only ever sent where it exists.
 */
export function supportsThinkingSwitch(modelId: string | undefined): boolean {
  return !!modelId && /^Qwen3(\.5)?-/i.test(modelId);
}
