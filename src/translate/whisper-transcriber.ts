/**
 * One transcription with a loaded Whisper (transformers.js's processor, model and tokenizer, as
 * its speech pipeline holds them): language chosen by Whisper itself among the allowed ones, an
 * optional prompt, a token budget from the audio's length, silent edges trimmed, audio past 30 s
 * decoded window by window, and the repetition and phantom filters applied. The speech worker is
 * a thin handler around this; it imports nothing from transformers.js but types, so tests can
 * drive it with a real transformers.js model whose forward pass is scripted.
 */
import type { TranscribeReply } from './asr-protocol.js';
import { filterTranscript, joinsWithoutSpaces, maxNewTokens } from './transcript-filters.js';
import { speechEvidence, splitIntoWindows, trimSilence, WHISPER_SAMPLE_RATE } from './whisper-audio.js';
import {
  controlTokenCount,
  decoderPrefix,
  decoderPrefixWithText,
  promptBudget,
  WhisperDecodeSteps,
  type WhisperTokens,
} from './whisper-decoding.js';

/** What of transformers.js's Whisper this needs (its ASR pipeline's `processor`, `model`, `tokenizer`). */
export interface WhisperParts {
  processor: (audio: Float32Array) => Promise<{ input_features: unknown }>;
  model: {
    config: { max_target_positions?: number };
    generation_config: WhisperGenerationConfig | null;
    generate(options: Record<string, unknown>): Promise<unknown>;
  };
  tokenizer: {
    encode(text: string, options: { add_special_tokens: boolean }): number[];
    decode(ids: number[], options: { skip_special_tokens: boolean }): string;
    convert_tokens_to_ids(token: string): number | undefined | null;
  };
}

/** The fields of Whisper's generation_config.json this reads. */
export interface WhisperGenerationConfig {
  decoder_start_token_id: number;
  eos_token_id: number | number[];
  no_timestamps_token_id: number;
  prev_sot_token_id?: number;
  is_multilingual?: boolean;
  lang_to_id?: Record<string, number> | null;
  task_to_id?: Record<string, number> | null;
  suppress_tokens?: number[] | null;
  begin_suppress_tokens?: number[] | null;
  max_length?: number;
}

export interface TranscribeRequest {
  /** Language to transcribe in (ISO 639-1); none to let Whisper detect it. */
  language?: string;
  /** Languages Whisper may choose between (conversation mode); ignored when `language` is given. */
  languages?: readonly string[];
  /** Text said just before this audio (the committed text): Whisper continues it in the same words and style. */
  prompt?: string;
  /**
   * Text already agreed on at the start of this audio (a growing utterance's committed words): the
   * transcript starts with it and only the rest is decoded, a step per token. Used when the
   * language is given (or the model is English-only) and the audio is one window; otherwise the
   * whole audio is decoded as usual.
   */
  known?: string;
  /** Whether the caller has given up on this transcription (checked at every decoding step). */
  stopRequested?: () => boolean;
}

/** A language Whisper has no token for: the caller asked for something the model cannot do. */
export class LanguageNotSupportedError extends Error {
  override name = 'LanguageNotSupportedError';
}

export function whisperTokens(parts: WhisperParts): WhisperTokens {
  const config = parts.model.generation_config;
  if (!config) throw new Error('This Whisper model has no generation config.');
  const endOfText = Array.isArray(config.eos_token_id) ? config.eos_token_id[0] : config.eos_token_id;
  const lookup = (name: string): number | undefined => {
    const id = parts.tokenizer.convert_tokens_to_ids(name);
    // Unknown tokens come back as nothing, or as the unknown token, which in Whisper is end-of-text.
    return typeof id === 'number' && id !== endOfText ? id : undefined;
  };
  const languages = new Map<string, number>();
  if (config.is_multilingual !== false) {
    for (const [token, id] of Object.entries(config.lang_to_id ?? {})) languages.set(token.replace(/^<\|(.+)\|>$/, '$1'), id);
  }
  return {
    startOfTranscript: config.decoder_start_token_id,
    startOfPrevious: config.prev_sot_token_id ?? lookup('<|startofprev|>'),
    endOfText,
    transcribe: config.task_to_id?.transcribe,
    noTimestamps: config.no_timestamps_token_id,
    // Whisper's no-speech token sits just before <|notimestamps|> (as Hugging Face's Whisper assumes).
    noSpeech: lookup('<|nospeech|>') ?? lookup('<|nocaptions|>') ?? config.no_timestamps_token_id - 1,
    languages,
    suppress: config.suppress_tokens ?? [],
    beginSuppress: config.begin_suppress_tokens ?? [],
    maxTargetPositions: parts.model.config.max_target_positions ?? config.max_length ?? 448,
  };
}

/** Whisper's token for each requested language; a language it does not know is the caller's error. */
export function languageIds(tokens: WhisperTokens, request: TranscribeRequest): number[] {
  if (!tokens.languages.size) return [];
  const wanted = request.language ? [request.language] : request.languages?.length ? request.languages : undefined;
  if (!wanted) return [...tokens.languages.values()];
  return wanted.map((code) => {
    // "pt-BR" → "pt"; Whisper writes Javanese "jw" where ISO 639-1 has "jv".
    const primary = code.toLowerCase().split(/[-_]/)[0];
    const id = tokens.languages.get(primary === 'jv' ? 'jw' : primary);
    if (id === undefined) throw new LanguageNotSupportedError(`Whisper has no language "${code}".`);
    return id;
  });
}

/** However much was agreed, room to decode at least this many tokens after it. */
const MIN_TOKENS_AFTER_KNOWN = 8;

/**
 * The known text as Whisper's tokens (with the leading space text has in mid-speech), or none when
 * it would not leave room in the 448-token context for the rest of the text.
 */
function knownTextIds(parts: WhisperParts, tokens: WhisperTokens, known: string, maxText: number): number[] {
  const ids = parts.tokenizer.encode(` ${known.trim()}`, { add_special_tokens: false });
  const room = tokens.maxTargetPositions - 1 - controlTokenCount(tokens) - Math.max(MIN_TOKENS_AFTER_KNOWN, maxText - ids.length);
  return ids.length <= room ? ids : [];
}

export async function transcribeWithWhisper(
  parts: WhisperParts,
  tokens: WhisperTokens,
  audio: Float32Array,
  request: TranscribeRequest,
): Promise<TranscribeReply> {
  let allowed = languageIds(tokens, request);
  const languageOf = new Map([...tokens.languages].map(([code, id]) => [id, code]));
  const evidence = speechEvidence(audio);
  const windows = splitIntoWindows(trimSilence(audio));
  const texts: string[] = [];
  let language: string | undefined;
  let languageProbability: number | undefined;
  let noSpeechProbability: number | undefined;
  for (const window of windows) {
    let maxText = maxNewTokens(window.length / WHISPER_SAMPLE_RATE);
    let knownTextTokens: number | undefined;
    const knownIds = windows.length === 1 && allowed.length <= 1 && request.known?.trim() ? knownTextIds(parts, tokens, request.known, maxText) : [];
    if (knownIds.length) {
      // The known words are read in one pass; the budget is for the words after them.
      knownTextTokens = knownIds.length;
      maxText = Math.max(MIN_TOKENS_AFTER_KNOWN, maxText - knownIds.length);
    }
    // Each window continues the text before it, as one decode of the whole would.
    const promptText = [request.prompt?.trim(), ...texts].filter(Boolean).join(' ');
    const budget = Math.max(0, promptBudget(tokens, maxText) - knownIds.length);
    // Whisper was trained on prompts that start with a space, as text in the middle of speech does.
    const promptIds = promptText && budget ? parts.tokenizer.encode(` ${promptText}`, { add_special_tokens: false }).slice(-budget) : [];
    const prefix = knownIds.length ? decoderPrefixWithText(tokens, allowed[0], knownIds, promptIds) : decoderPrefix(tokens, promptIds);
    const steps = new WhisperDecodeSteps(tokens, prefix.length, {
      languageIds: allowed,
      ...(knownTextTokens !== undefined ? { knownTextTokens } : {}),
      stopRequested: request.stopRequested,
    });
    const { input_features } = await parts.processor(window);
    const output = (await parts.model.generate({
      inputs: input_features,
      decoder_input_ids: prefix,
      max_new_tokens: maxText + (knownTextTokens === undefined ? controlTokenCount(tokens) : 0),
      logits_processor: [steps.processor],
      // Applied by the steps instead: transformers.js would hide the no-speech token and suppress
      // the start of the text at the language position.
      suppress_tokens: null,
      begin_suppress_tokens: null,
      return_timestamps: false,
    })) as { tolist(): Array<Array<number | bigint>> };
    const result = steps.read(output.tolist()[0]);
    const text = result.textTokens.length ? parts.tokenizer.decode(result.textTokens, { skip_special_tokens: true }).trim() : '';
    if (text) texts.push(text);
    if (language === undefined && result.languageId !== undefined) {
      language = languageOf.get(result.languageId);
      languageProbability = result.languageProbability;
      // Later windows of the same utterance are in the language the first was heard in.
      allowed = [result.languageId];
    }
    // Speech in any window is speech in the utterance.
    if (result.noSpeechProbability !== undefined) noSpeechProbability = Math.min(noSpeechProbability ?? 1, result.noSpeechProbability);
    if (result.stopped) break;
  }
  const joined = texts.join(joinsWithoutSpaces(language) ? '' : ' ');
  const filtered = filterTranscript(joined, evidence, noSpeechProbability);
  return {
    text: filtered.text,
    ...(language ? { language } : {}),
    ...(languageProbability !== undefined ? { languageProbability } : {}),
    ...(noSpeechProbability !== undefined ? { noSpeechProbability } : {}),
    ...(filtered.loopCut ? { loopCut: true } : {}),
    ...(filtered.droppedPhantom ? { droppedPhantom: filtered.droppedPhantom } : {}),
  };
}
