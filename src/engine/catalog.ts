/**
 * The model catalog: web-llm's own `prebuiltAppConfig` (so URLs and libraries always match the
 * installed web-llm), narrowed to the open-weight families we curate, and described with what a
 * person needs to choose: who made it, how big it is, what licence it carries, and whether it fits
 * this device.
 */
import type { ModelRecord } from '@mlc-ai/web-llm';
import type { GpuCapabilities, GpuUnavailable } from './device.js';
import type { EngineKind } from './store.js';
import {
  deviceLimitsWebLlmRequests,
  hardLimitProblem,
  sizeInMB,
  WEB_LLM_PREFERRED_BYTES,
  type WebGpuLimits,
  type WebLlmDeviceLimits,
} from './webgpu-limits.js';

export interface Curation {
  /** Matched against the model id. */
  match: RegExp;
  family: string;
  maker: string;
  country: string;
  licence: string;
  /** Parameters in billions when the id does not say it (e.g. "Phi-3.5-mini"). */
  paramsB?: number;
  /** Emits `<think>…</think>` reasoning before the answer. */
  reasoning?: boolean;
  /** A general chat model (not a coder or maths specialist): eligible as the default. */
  general?: boolean;
}

/** Ordered: the first matching rule describes the model; ids that match none are left out. */
export const CURATION: readonly Curation[] = [
  { match: /^Qwen3\.5-/, family: 'Qwen3.5', maker: 'Alibaba (Qwen team)', country: 'China', licence: 'Apache-2.0', reasoning: true, general: true },
  { match: /^Qwen3-/, family: 'Qwen3', maker: 'Alibaba (Qwen team)', country: 'China', licence: 'Apache-2.0', reasoning: true, general: true },
  { match: /^Qwen2\.5-3B-/, family: 'Qwen2.5', maker: 'Alibaba (Qwen team)', country: 'China', licence: 'Qwen Research License', general: true },
  { match: /^Qwen2\.5-Coder-3B-/, family: 'Qwen2.5', maker: 'Alibaba (Qwen team)', country: 'China', licence: 'Qwen Research License' },
  { match: /^Qwen2\.5-(Coder|Math)-/, family: 'Qwen2.5', maker: 'Alibaba (Qwen team)', country: 'China', licence: 'Apache-2.0' },
  { match: /^Qwen2\.5-\d/, family: 'Qwen2.5', maker: 'Alibaba (Qwen team)', country: 'China', licence: 'Apache-2.0', general: true },
  { match: /^DeepSeek-R1-Distill-Qwen-/, family: 'DeepSeek-R1 distill', maker: 'DeepSeek', country: 'China', licence: 'MIT (base: Qwen2.5, Apache-2.0)', reasoning: true },
  { match: /^DeepSeek-R1-Distill-Llama-/, family: 'DeepSeek-R1 distill', maker: 'DeepSeek', country: 'China', licence: 'MIT (base: Llama 3.1 Community License)', reasoning: true },
  { match: /^Llama-3\.2-/, family: 'Llama 3.2', maker: 'Meta', country: 'USA', licence: 'Llama 3.2 Community License' },
  { match: /^Llama-3\.1-8B-/, family: 'Llama 3.1', maker: 'Meta', country: 'USA', licence: 'Llama 3.1 Community License' },
  { match: /^gemma-4-E2B-/, family: 'Gemma 4', maker: 'Google', country: 'USA', licence: 'Gemma licence (see model card)', paramsB: 5.1 },
  { match: /^gemma3-/, family: 'Gemma 3', maker: 'Google', country: 'USA', licence: 'Gemma Terms of Use' },
  { match: /^gemma-2-2b-(jpn-)?it-/, family: 'Gemma 2', maker: 'Google', country: 'USA', licence: 'Gemma Terms of Use', paramsB: 2.6 },
  { match: /^gemma-2-9b-it-/, family: 'Gemma 2', maker: 'Google', country: 'USA', licence: 'Gemma Terms of Use' },
  { match: /^Phi-4-mini-instruct-/, family: 'Phi-4', maker: 'Microsoft', country: 'USA', licence: 'MIT', paramsB: 3.8 },
  { match: /^Phi-3\.5-mini-instruct-/, family: 'Phi-3.5', maker: 'Microsoft', country: 'USA', licence: 'MIT', paramsB: 3.8 },
  { match: /^SmolLM2-/, family: 'SmolLM2', maker: 'Hugging Face', country: 'USA / France', licence: 'Apache-2.0' },
  { match: /^Mistral-7B-Instruct-v0\.3-/, family: 'Mistral', maker: 'Mistral AI', country: 'France', licence: 'Apache-2.0', paramsB: 7.2 },
  { match: /^Ministral-3-3B-(Instruct|Reasoning)-/, family: 'Ministral 3', maker: 'Mistral AI', country: 'France', licence: 'Apache-2.0', paramsB: 3.4 },
];

export type Activation = 'f16' | 'f32';

export interface CatalogEntry {
  id: string;
  /** The engine that runs it: web-llm on WebGPU, or llama.cpp (GGUF) on the CPU. */
  engine: EngineKind;
  /** Added by the person (by URL), not part of the curated catalog. */
  custom?: boolean;
  /** A short name without the quantisation suffix, e.g. "Qwen3 0.6B". */
  name: string;
  family: string;
  maker: string;
  country: string;
  licence: string;
  parametersB: number;
  /** web-llm's quantisation code, e.g. "q4f32_1" (4-bit weights, f32 activations), or GGUF's ("Q4_K_M"). */
  quantization: string;
  weightBits: number;
  activation: Activation;
  /** Estimated from parameters and quantisation (web-llm), or the file's approximate size (GGUF). */
  downloadBytes: number;
  /** Memory the model needs while running: GPU memory for web-llm, RAM for the CPU engine. */
  vramMB: number;
  contextWindow: number;
  reasoning: boolean;
  general: boolean;
  lowResource: boolean;
  /** Features the model needs from the GPU (web-llm's list plus shader-f16 for f16 activations). */
  requiredFeatures: string[];
  bufferSizeRequiredBytes?: number;
  modelUrl: string;
  /** SHA-256 of the file (GGUF, hex): a fresh download is checked against it. */
  sha256?: string;
  /** One line a person should read before choosing this model (e.g. what it is too small for). */
  note?: string;
  /** web-llm only: the compiled model library. */
  libraryUrl?: string;
  /** web-llm only: the record handed to the engine. */
  record?: ModelRecord;
}

const QUANT = /-(q(\d)f(16|32)(?:_\d)?)-MLC/;

/** Bits stored per parameter on disk, counting the group scales (one per 32 weights). */
function storedBitsPerParam(weightBits: number, activation: Activation): number {
  if (weightBits === 0) return activation === 'f16' ? 16 : 32;
  return weightBits + (activation === 'f16' ? 16 : 32) / 32;
}

function parametersFromId(id: string): number | undefined {
  const match = /(?:^|[-_])(\d+(?:\.\d+)?)([BM])(?=[-_])/i.exec(id);
  if (!match) return undefined;
  const value = parseFloat(match[1]);
  return match[2].toUpperCase() === 'M' ? value / 1000 : value;
}

function displayName(id: string): string {
  return id
    .replace(/-q\df(16|32)(_\d)?-MLC(-1k)?$/, (_m, _a, _b, short) => (short ? ' (1k context)' : ''))
    .replace(/-/g, ' ');
}

export function describeRecord(record: ModelRecord, curation: readonly Curation[] = CURATION): CatalogEntry | undefined {
  const rule = curation.find((r) => r.match.test(record.model_id));
  const quant = QUANT.exec(record.model_id);
  if (!rule || !quant || record.model_type === 1 || record.model_type === 2) return undefined;
  const weightBits = Number(quant[2]);
  const activation: Activation = quant[3] === '16' ? 'f16' : 'f32';
  const parametersB = rule.paramsB ?? parametersFromId(record.model_id) ?? 0;
  const requiredFeatures = new Set(record.required_features ?? []);
  // web-llm only marks some f16 records; any f16-activation library needs the feature.
  if (activation === 'f16') requiredFeatures.add('shader-f16');
  return {
    id: record.model_id,
    engine: 'webgpu',
    name: displayName(record.model_id),
    family: rule.family,
    maker: rule.maker,
    country: rule.country,
    licence: rule.licence,
    parametersB,
    quantization: quant[1],
    weightBits,
    activation,
    downloadBytes: Math.round((parametersB * 1e9 * storedBitsPerParam(weightBits, activation)) / 8),
    vramMB: record.vram_required_MB ?? 0,
    contextWindow: record.overrides?.context_window_size ?? 4096,
    reasoning: Boolean(rule.reasoning),
    general: Boolean(rule.general),
    lowResource: Boolean(record.low_resource_required),
    requiredFeatures: [...requiredFeatures].sort(),
    ...(record.buffer_size_required_bytes ? { bufferSizeRequiredBytes: record.buffer_size_required_bytes } : {}),
    modelUrl: record.model,
    libraryUrl: record.model_lib,
    record,
  };
}

export function buildCatalog(records: readonly ModelRecord[], curation: readonly Curation[] = CURATION): CatalogEntry[] {
  return records.flatMap((record) => describeRecord(record, curation) ?? []);
}

// ---------------------------------------------------------------------------------------------
// Fit rules

export type Fit =
  | { fits: true; warning?: string }
  | { fits: false; verdict: 'needs-feature' | 'too-large' | 'no-webgpu' | 'gpu-too-limited'; reason: string };

export interface MemoryBudget {
  megabytes: number;
  /**
   * Models above this but within `megabytes` fit with a warning: the device only said it has at
   * least so much memory, so they may or may not fit.
   */
  certainMegabytes?: number;
  /** How the figure was arrived at, shown next to "too large" so the verdict can be judged. */
  basis: string;
}

/** No consumer GPU a browser runs on holds more; the budget when nothing smaller is known. */
const BROWSER_GPU_CEILING_MB = 16 * 1024;
/** Of the RAM a device reports, what a model may take and leave the system and browser room. */
const SHARE_OF_DEVICE_MEMORY = 0.6;
/**
 * Chromium rounds `deviceMemory` to a power of two and caps it: at 8 for years, so 8 means "8 GB
 * or more" (Chromium 156 on a larger machine reported 16, so the cap can be higher).
 */
const DEVICE_MEMORY_CAP_GB = 8;

/**
 * WebGPU does not tell how much memory a GPU has. We budget from what the browser does tell:
 * software adapters share system memory and are slow, so they get little; `deviceMemory` (RAM in
 * GB, rounded and capped by Chromium) bounds phones and small laptops; otherwise we assume a desktop-class
 * GPU and only rule out what no consumer browser GPU holds.
 *
 * A reported 8 or more is taken as a lower bound, not a measurement, since it may be the cap: the
 * device may have 8 GB shared with an integrated GPU, or 64 GB and a discrete card. So 60 % of the
 * reported figure fits without comment, anything up to the 16 GB ceiling fits with a warning, and
 * only what is above the ceiling is too large. (Refusing above 60 % of 8 GB would hide every 7-8B
 * model from desktops with a 12-24 GB GPU, which run them well.) Without `deviceMemory` (Firefox, Safari) nothing is
 * known, and we keep to the ceiling alone rather than warn about every model.
 */
export function memoryBudget(gpu: GpuCapabilities, deviceMemoryGB?: number): MemoryBudget {
  if (gpu.isFallbackAdapter) {
    const mb = Math.min(4096, ((deviceMemoryGB ?? 8) * 1024) / 2);
    return { megabytes: mb, basis: `a software (CPU) GPU adapter; budget ${Math.round(mb / 1024)} GB` };
  }
  if (deviceMemoryGB !== undefined && deviceMemoryGB < DEVICE_MEMORY_CAP_GB) {
    const mb = Math.round(deviceMemoryGB * 1024 * SHARE_OF_DEVICE_MEMORY);
    return { megabytes: mb, basis: `${deviceMemoryGB} GB of device memory reported; budget 60 %` };
  }
  if (deviceMemoryGB !== undefined) {
    const certain = Math.round(deviceMemoryGB * 1024 * SHARE_OF_DEVICE_MEMORY);
    return {
      megabytes: BROWSER_GPU_CEILING_MB,
      ...(certain < BROWSER_GPU_CEILING_MB ? { certainMegabytes: certain } : {}),
      basis: `${deviceMemoryGB} GB or more of device memory reported; assumed at most 16 GB of GPU memory for a browser`,
    };
  }
  return { megabytes: BROWSER_GPU_CEILING_MB, basis: 'assumed at most 16 GB of GPU memory for a browser' };
}

export function fitModel(entry: CatalogEntry, gpu: GpuCapabilities | GpuUnavailable, deviceMemoryGB?: number): Fit {
  if (!gpu.available) return { fits: false, verdict: 'no-webgpu', reason: 'WebGPU is not available in this browser.' };
  // web-llm refuses to create a device at all below these, whatever the model.
  const problem = hardLimitProblem(gpu);
  if (problem) return { fits: false, verdict: 'gpu-too-limited', reason: `${problem} Use the CPU engine instead.` };
  const missing = entry.requiredFeatures.filter((feature) => !gpu.features.includes(feature));
  if (missing.length > 0) {
    const reason = missing.includes('shader-f16')
      ? 'Needs 16-bit shaders (shader-f16), which this GPU does not offer. Use the f32 variant.'
      : `Needs GPU feature ${missing.join(', ')}, which this GPU does not offer.`;
    return { fits: false, verdict: 'needs-feature', reason };
  }
  // Judged against the device web-llm creates, not the adapter: it asks for 1 GiB or falls back.
  const device = deviceLimitsWebLlmRequests(gpu);
  const bufferProblem = bufferLimitProblem(entry.bufferSizeRequiredBytes, gpu, device);
  if (bufferProblem) return { fits: false, verdict: 'too-large', reason: bufferProblem };
  const budget = memoryBudget(gpu, deviceMemoryGB);
  if (entry.vramMB > budget.megabytes) {
    return {
      fits: false,
      verdict: 'too-large',
      reason: `Too large for this device: needs about ${gb(entry.vramMB)} GB of GPU memory (${budget.basis}).`,
    };
  }
  const warnings: string[] = [];
  if (budget.certainMegabytes !== undefined && entry.vramMB > budget.certainMegabytes) {
    warnings.push(
      `Needs about ${gb(entry.vramMB)} GB of GPU memory; this device reports ${deviceMemoryGB} GB or more of memory, so it may not fit.`,
    );
  }
  // web-llm warns the same way when its device falls back to 128 MiB bindings.
  if (!entry.lowResource && device.maxStorageBufferBindingSize < WEB_LLM_PREFERRED_BYTES) {
    warnings.push('Made for desktop GPUs; may be slow or fail on this one.');
  }
  return warnings.length > 0 ? { fits: true, warning: warnings.join(' ') } : { fits: true };
}

/** Which of the device's two buffer limits, if either, rules the model out, in a sentence. */
function bufferLimitProblem(required: number | undefined, adapter: WebGpuLimits, device: WebLlmDeviceLimits): string | undefined {
  if (!required) return undefined;
  const limits = [
    { name: 'maxStorageBufferBindingSize', what: 'storage bindings', device: device.maxStorageBufferBindingSize, adapter: adapter.maxStorageBufferBindingSize },
    { name: 'maxBufferSize', what: 'buffers', device: device.maxBufferSize, adapter: adapter.maxBufferSize },
  ];
  const limit = limits.find((l) => required > l.device);
  if (!limit) return undefined;
  // The device panel shows the adapter's figure; say why the engine gets less than that.
  const clamped =
    limit.adapter <= limit.device
      ? ''
      : limit.device === WEB_LLM_PREFERRED_BYTES
        ? ` This GPU offers ${sizeInMB(limit.adapter)}, but the GPU engine asks for no more than ${sizeInMB(limit.device)}.`
        : ` This GPU offers ${sizeInMB(limit.adapter)}, short of the ${sizeInMB(WEB_LLM_PREFERRED_BYTES)} the GPU engine asks for, so it falls back to ${sizeInMB(limit.device)}.`;
  return `Too large for this GPU: needs ${limit.what} of ${sizeInMB(required)}, and the GPU engine gets ${sizeInMB(limit.device)} (${limit.name}).${clamped}`;
}

export interface FittedEntry extends CatalogEntry {
  fit: Fit;
}

export function fitCatalog(
  catalog: readonly CatalogEntry[],
  gpu: GpuCapabilities | GpuUnavailable,
  deviceMemoryGB?: number,
): FittedEntry[] {
  return catalog.map((entry) => ({ ...entry, fit: fitModel(entry, gpu, deviceMemoryGB) }));
}

/** The smallest general-purpose Qwen that fits: a quick first download that still chats well. */
export function recommendedModel(fitted: readonly FittedEntry[]): FittedEntry | undefined {
  return fitted
    .filter((entry) => entry.fit.fits && entry.general && entry.family.startsWith('Qwen'))
    .sort((a, b) => a.vramMB - b.vramMB || a.downloadBytes - b.downloadBytes)[0];
}

function gb(megabytes: number): string {
  return (megabytes / 1024).toFixed(1);
}
