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
 * Incremental version for streaming: once the reasoning has closed, the answer is everything after
 * it, so later tokens are not searched again.
 */
export class ThinkingSplitter {
  private raw = '';
  private answerStart = -1;
  private thinking = '';

  push(delta: string): SplitReply {
    this.raw += delta;
    if (this.answerStart >= 0) {
      return { thinking: this.thinking, answer: this.raw.slice(this.answerStart).trimStart(), thinkingOpen: false };
    }
    const split = splitThinking(this.raw);
    const close = this.raw.indexOf(CLOSE);
    if (close !== -1) {
      this.answerStart = close + CLOSE.length;
      this.thinking = split.thinking;
    }
    return split;
  }

  get text(): string {
    return this.raw;
  }
}
