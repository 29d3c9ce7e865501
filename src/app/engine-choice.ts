/** Which engine runs models on this page: asked for in the URL or settings, or chosen by the device. */
import type { GpuCapabilities, GpuUnavailable } from '../engine/device.js';
import type { EngineKind } from '../engine/store.js';
import { hardLimitProblem } from '../engine/webgpu-limits.js';

export type EnginePreference = 'auto' | EngineKind;
/** `remote` is never chosen for the person: only when they (or the site owner, or a link they follow) ask for it. */
export const ENGINE_PREFERENCES: readonly EnginePreference[] = ['auto', 'webgpu', 'cpu', 'remote'];

export interface ParsedPreference {
  preference?: EnginePreference;
  /** Said to the person when the URL asked for something that does not exist. */
  error?: string;
}

export function parseEnginePreference(value: string | null): ParsedPreference {
  if (value === null || value === '') return {};
  const normal = value.trim().toLowerCase();
  if ((ENGINE_PREFERENCES as readonly string[]).includes(normal)) return { preference: normal as EnginePreference };
  return {
    error: `The link asks for engine “${value.slice(0, 40)}”, which does not exist. Allowed: ${ENGINE_PREFERENCES.join(', ')}. Using auto.`,
  };
}

export interface EngineChoice {
  kind: EngineKind;
  /** Why, in a sentence for the status line. */
  reason: string;
}

export function chooseEngine(preference: EnginePreference, gpu: GpuCapabilities | GpuUnavailable): EngineChoice {
  // An adapter below web-llm's minimum limits exists, but web-llm cannot create its device on it.
  const problem = gpu.available ? hardLimitProblem(gpu) : undefined;
  if (preference === 'webgpu') {
    return problem
      ? { kind: 'webgpu', reason: `GPU engine, as chosen, but it will likely fail to start. ${problem}` }
      : { kind: 'webgpu', reason: 'GPU engine, as chosen.' };
  }
  if (preference === 'cpu') return { kind: 'cpu', reason: 'CPU engine, as chosen.' };
  if (preference === 'remote') return { kind: 'remote', reason: 'Remote server, as chosen: what you type is sent to it.' };
  if (!gpu.available) {
    return { kind: 'cpu', reason: 'CPU engine: WebGPU is not usable in this browser, so models run on the processor (slower).' };
  }
  if (problem) {
    return { kind: 'cpu', reason: `CPU engine: this GPU is below what the GPU engine needs. ${problem}` };
  }
  return { kind: 'webgpu', reason: 'GPU engine: this browser offers WebGPU.' };
}
