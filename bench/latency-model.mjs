/**
 * The timing model behind bench/translation-latency.mjs, and the stand-ins that take its time:
 * Whisper (whisper-base) and the LLM (Qwen2.5-0.5B) on one mid-range GPU, in simulated time.
 *
 * Every number is here, with where it comes from. "Published" figures were measured by others on
 * other hardware; "assumed" ones are our estimates, to be replaced by measurements on a real mid GPU.
 *
 * Whisper-base through transformers.js on WebGPU (fp32 encoder, q4 decoder, as workers/asr.worker.ts
 * loads it):
 * - Every call encodes a full 30 s window: transformers.js' WhisperFeatureExtractor pads any shorter
 *   input with zeros to `n_samples` (30 s) and cuts longer ones
 *   (node_modules/@huggingface/transformers/src/models/whisper/feature_extraction_whisper.js). So a
 *   1 s partial costs the encoder as much as a 20 s final.
 * - Encoder 60 ms per window, decoder 8 ms per token: ASSUMED. Published native figures for
 *   whisper-base (whisper.cpp `bench`): 14.9 ms encoder, 2.55 ms per decoded token on an NVIDIA V100
 *   with CUDA (github.com/ggml-org/whisper.cpp/pull/1473); 12.5 ms and 2.0 ms on an M2 Ultra with
 *   Metal (github.com/ggml-org/whisper.cpp/pull/1472). A mid-range GPU has a fraction of that compute,
 *   and onnxruntime-web adds a JavaScript round trip per decoding step; we take ×4 (encoder) and ×3
 *   (decoder). No published per-window WebGPU figure for whisper-base was found.
 * - Tokens: 4 forced ones (start, language, task, no-timestamps) + the text + end; a call without a
 *   language adds one step to detect it, and a prompt one batched step to read it. Known text (the
 *   words already agreed on, `known`) is read with the forced tokens in one batched step, and only
 *   the words after it are decoded: 1 + the rest of the text + end. (A batched pass over a few dozen
 *   tokens costs about one decoding step on a GPU: the decoder is memory-bound at this size.)
 *   English text: 1.3 tokens per word (OpenAI's rule of thumb, ~0.75 words per token).
 *
 * Qwen2.5-0.5B-Instruct q4f16_1 through web-llm:
 * - Decode 80 tokens/s: between the published 40–55 tokens/s on an M3 MacBook Air
 *   (oleksandr.lol/writing/building-a-local-chatbot-that-never-phones-home, WebLLM) and 142 tokens/s
 *   for a 0.5B model on WebGPU (github.com/ramuncle/webgpu-llm-benchmark, GPU not named).
 * - Prefill 1 000 tokens/s: ASSUMED; no published web-llm prefill figure for this model was found.
 *   (Prefill is compute-bound: ~1 GFLOP per token for 0.5B parameters; a mid GPU gives a few
 *   TFLOP/s, of which WebGPU kernels reach a fraction.)
 * - 15 ms per request (tokenising, chat template, the worker's round trip): ASSUMED.
 * - A prompt costs one token per 4 characters plus 5 template tokens per message; Qwen2.5's chat
 *   template adds its default system prompt ("You are Qwen, created by Alibaba Cloud. You are a
 *   helpful assistant.", ~20 tokens) when the request has none. The translation: 1.5 tokens per
 *   word (ASSUMED for Spanish with Qwen's tokenizer). Each request is prefilled whole (no prefix cache).
 *
 * One GPU: Whisper and the LLM take turns on it step by step (an encoder pass, a decoding step, a
 * prefill), in the order they ask. Speech: 2.5 words per second (150 words a minute, ASSUMED
 * conversational pace), a sentence every 12 words, and a 250 ms breath between two sentences of one
 * utterance (ASSUMED; shorter than the VAD's 384 ms end-of-speech wait, so it does not end the
 * utterance, but longer than the 128 ms after which the pipeline takes a pause for a possible end).
 */

export const MODEL = {
  speech: { wordsPerSecond: 2.5, wordsPerSentence: 12, breathBetweenSentencesSeconds: 0.25 },
  whisper: {
    name: 'whisper-base, transformers.js on WebGPU',
    windowSeconds: 30,
    encoderMsPerWindow: 60,
    decoderMsPerToken: 8,
    forcedTokens: 4,
    tokensPerWord: 1.3,
  },
  llm: {
    name: 'Qwen2.5-0.5B-Instruct q4f16_1, web-llm',
    modelId: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
    prefillTokensPerSecond: 1000,
    decodeTokensPerSecond: 80,
    requestOverheadMs: 15,
    charsPerPromptToken: 4,
    templateTokensPerMessage: 5,
    defaultSystemPromptTokens: 20,
    contextWindow: 4096,
  },
};

/** The GPU: one queue of steps (shared), or a queue per user (`shared: false`, an optimistic bound). */
export class Gpu {
  /** Every step run: { user, start, end }, so a wait can be told apart from work. */
  steps = [];
  #tails = new Map();

  constructor(clock, { shared = true } = {}) {
    this.clock = clock;
    this.shared = shared;
  }

  /** Run one step of `ms` for `user` ('whisper' or 'llm') when the GPU is free; resolves when it is done. */
  run(user, ms) {
    const lane = this.shared ? 'gpu' : user;
    const turn = (this.#tails.get(lane) ?? Promise.resolve()).then(async () => {
      const start = this.clock.now;
      await this.clock.sleep(ms);
      this.steps.push({ user, start, end: this.clock.now });
    });
    this.#tails.set(lane, turn);
    return turn;
  }
}

// ——— The speech: words with their times, made-up but unique, so any slice of audio says what was said ———

const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';
const SYLLABLES = [...CONSONANTS].flatMap((c) => [...VOWELS].map((v) => c + v));

/**
 * Word `index` of the session: two syllables and an "x" (no English word looks like that, so the
 * words can be found again in any prompt). Its translation ends in "o" instead.
 */
function sourceWord(index) {
  return SYLLABLES[index % SYLLABLES.length] + SYLLABLES[Math.floor(index / SYLLABLES.length) % SYLLABLES.length] + 'x';
}
const WORD_PATTERN = /\b[a-z]{4}x\b/gi;

export class SpeechScript {
  /**
   * `plan`: [{ seconds, pauseBefore }] in order. Time is in seconds from the start of the session;
   * the session's audio sample n holds the value n, so a recogniser stand-in reads what it was given.
   */
  constructor(plan, { leadIn = 1, leadOut = 3 } = {}) {
    this.utterances = [];
    this.words = new Map();
    let at = leadIn;
    let wordIndex = 0;
    const { wordsPerSecond, wordsPerSentence, breathBetweenSentencesSeconds } = MODEL.speech;
    plan.forEach(({ seconds, pauseBefore = 0 }, index) => {
      at += index === 0 ? 0 : pauseBefore;
      const count = Math.round(seconds * wordsPerSecond);
      const words = [];
      const startedAt = at;
      for (let i = 0; i < count; i++) {
        // A breath before each sentence but the first.
        if (i > 0 && i % wordsPerSentence === 0) at += breathBetweenSentencesSeconds;
        const word = {
          text: sourceWord(wordIndex++),
          utterance: index,
          start: at,
          end: at + 1 / wordsPerSecond,
          startsSentence: i % wordsPerSentence === 0,
          endsSentence: i % wordsPerSentence === wordsPerSentence - 1 || i === count - 1,
          tokens: (wordIndex % 2) + 1, // 1 or 2 target tokens: 1.5 a word on average
        };
        words.push(word);
        this.words.set(word.text, word);
        at = word.end;
      }
      this.utterances.push({ index, seconds, start: startedAt, end: at, words, lastWord: words.at(-1) });
    });
    this.durationSeconds = at + leadOut;
    if (this.durationSeconds * 16000 >= 2 ** 24) throw new Error('The session is too long for its sample numbers to stay exact in Float32.');
  }

  /** Is there speech at this time (seconds)? (Not in a breath between sentences.) */
  speaking(seconds) {
    const utterance = this.utterances.find((u) => seconds >= u.start && seconds < u.end);
    return !!utterance && utterance.words.some((w) => seconds >= w.start && seconds < w.end);
  }

  /** What Whisper would write for the audio between these times: every word heard whole, as it punctuates. */
  transcript(fromSeconds, toSeconds) {
    const heard = [...this.words.values()].filter((w) => w.start >= fromSeconds - 0.25 && w.end <= toSeconds + 1e-9);
    return heard.map((w, i) => {
      const word = w.startsSentence || i === 0 ? w.text[0].toUpperCase() + w.text.slice(1) : w.text;
      return w.endsSentence ? `${word}.` : word;
    });
  }

  /** Our words found in some text, in order (an LLM prompt, a caption). */
  wordsIn(text) {
    return (text.match(WORD_PATTERN) ?? []).map((w) => this.words.get(w.toLowerCase())).filter(Boolean);
  }
}

// ——— The recogniser stand-in ———

export class ModelledRecognizer {
  /** Every call: { calledAt, startedAt?, endedAt?, from, to (seconds), outcome }. */
  calls = [];
  #worker = Promise.resolve();

  constructor(clock, gpu, script) {
    this.clock = clock;
    this.gpu = gpu;
    this.script = script;
  }

  /** The shape WhisperRecognizer.transcribe takes: a language, or { language, languages, prompt, signal }. */
  transcribe(audio, options = {}) {
    const { language, prompt, known, signal } = typeof options === 'string' ? { language: options } : (options ?? {});
    const call = { calledAt: this.clock.now, ...this.#range(audio), outcome: 'waiting' };
    this.calls.push(call);
    // One transcription at a time, in order, as the worker runs them.
    const job = this.#worker.then(() => this.#run(call, audio, { language, prompt, known, signal }));
    this.#worker = job.catch(() => undefined);
    if (!signal) return job;
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(abortError(signal));
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      job.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async #run(call, audio, { language, prompt, known, signal }) {
    if (signal?.aborted) {
      call.outcome = 'cancelled before it started';
      throw abortError(signal);
    }
    call.startedAt = this.clock.now;
    const { whisper } = MODEL;
    const seconds = audio.length / 16000;
    const words = this.script.transcript(call.from, call.to);
    // As the transcriber does: known text only with the language given, else the whole text is decoded.
    const knownWords = known?.trim() && language ? this.script.wordsIn(known).length : 0;
    const heard = this.script.wordsIn(words.join(' '));
    if (knownWords > heard.length || this.script.wordsIn(known ?? '').some((word, i) => heard[i] !== word)) {
      console.error(`The known text "${known}" is not how this audio's transcript begins ("${words.join(' ')}").`);
      throw new Error('known text is not the start of the transcript');
    }
    const steps = knownWords
      ? 1 + Math.round((words.length - knownWords) * whisper.tokensPerWord) + 1
      : whisper.forcedTokens + Math.round(words.length * whisper.tokensPerWord) + 1 + (language ? 0 : 1) + (prompt ? 1 : 0);
    call.knownWords = knownWords;
    for (let window = 0; window < Math.max(1, Math.ceil(seconds / whisper.windowSeconds)); window++) {
      await this.gpu.run('whisper', whisper.encoderMsPerWindow);
    }
    for (let step = 0; step < steps; step++) {
      if (signal?.aborted) {
        call.outcome = 'cancelled while decoding';
        call.endedAt = this.clock.now;
        throw abortError(signal);
      }
      await this.gpu.run('whisper', whisper.decoderMsPerToken);
    }
    call.endedAt = this.clock.now;
    call.outcome = 'done';
    return { text: words.join(' '), language: 'en' };
  }

  /** The stretch of the session this audio covers, read from its sample numbers (zeros, padding, ignored). */
  #range(audio) {
    let first = Infinity;
    let last = -Infinity;
    for (const sample of audio) {
      if (sample <= 0) continue;
      if (sample < first) first = sample;
      if (sample > last) last = sample;
    }
    return Number.isFinite(first) ? { from: first / 16000, to: (last + 1) / 16000 } : { from: 0, to: 0 };
  }
}

function abortError(signal) {
  return signal.reason ?? new DOMException('The transcription was cancelled.', 'AbortError');
}

// ——— The LLM stand-in: a ChatEngine whose replies take the modelled time ———

/**
 * Built with the app's own ReplyQueue and EngineStore (passed in: they are TypeScript), so requests
 * wait their turn and stop on their signal exactly as with web-llm.
 */
export class ModelledEngine {
  /** Every request: { issuedAt, startedAt?, firstTokenAt?, endedAt?, utterance, coversLastWord, promptTokens, tokens, outcome }. */
  requests = [];

  constructor({ ReplyQueue, EngineStore }, clock, gpu, script, timeline) {
    this.clock = clock;
    this.gpu = gpu;
    this.script = script;
    this.timeline = timeline;
    this.replies = new ReplyQueue();
    this.store = new EngineStore('webgpu', (flush) => flush());
    this.store.startLoading(MODEL.llm.modelId);
    this.store.markReady(MODEL.llm.modelId);
  }

  streamChat(request) {
    const record = this.#describe(request);
    this.requests.push(record);
    return this.replies.reply(request.signal, (stop) => this.#generate(request, record, stop));
  }

  interrupt() {
    this.replies.stopAll();
  }

  contextWindow() {
    return MODEL.llm.contextWindow;
  }

  async *#generate(request, record, stop) {
    const { llm } = MODEL;
    record.startedAt = this.clock.now;
    this.store.startGenerating();
    let sent = 0;
    try {
      await this.gpu.run('llm', llm.requestOverheadMs + (record.promptTokens * 1000) / llm.prefillTokensPerSecond);
      const tokens = this.#reply(record).slice(0, request.maxTokens);
      for (const token of tokens) {
        if (stop.aborted) break;
        if (sent > 0) await this.gpu.run('llm', 1000 / llm.decodeTokensPerSecond);
        if (stop.aborted) break;
        if (sent === 0) record.firstTokenAt = this.clock.now;
        this.timeline.push({ kind: 'token', request: record, at: this.clock.now });
        sent++;
        yield { type: 'delta', text: token };
      }
      // The end-of-turn token is one more step.
      if (!stop.aborted) await this.gpu.run('llm', 1000 / llm.decodeTokensPerSecond);
      yield { type: 'usage', usage: { promptTokens: record.promptTokens, completionTokens: sent } };
      if (stop.aborted) yield { type: 'stopped' };
    } finally {
      record.tokens = sent;
      record.outcome = stop.aborted ? 'stopped' : 'done';
      record.endedAt = this.clock.now;
      this.store.finishGenerating();
    }
  }

  /** What the request translates: our words in its last user turn, of the utterance its last word is from. */
  #describe(request) {
    const { llm } = MODEL;
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const found = this.script.wordsIn(lastUser);
    const utterance = found.at(-1)?.utterance;
    const words = found.filter((w) => w.utterance === utterance);
    const chars = request.messages.reduce((n, m) => n + m.content.length, 0);
    const hasSystem = request.messages.some((m) => m.role === 'system');
    return {
      issuedAt: this.clock.now,
      utterance,
      words,
      coversLastWord: utterance !== undefined && words.includes(this.script.utterances[utterance].lastWord),
      promptTokens:
        Math.ceil(chars / llm.charsPerPromptToken) + request.messages.length * llm.templateTokensPerMessage + (hasSystem ? 0 : llm.defaultSystemPromptTokens),
      outcome: 'waiting',
    };
  }

  /** The translation, as tokens: each word's target form, in one or two pieces. */
  #reply(record) {
    return record.words.flatMap((word, i) => {
      const target = (i === 0 ? '' : ' ') + word.text.slice(0, -1) + 'o' + (word.endsSentence ? '.' : '');
      if (word.tokens === 1) return [target];
      const half = Math.ceil(target.length / 2);
      return [target.slice(0, half), target.slice(half)];
    });
  }
}
