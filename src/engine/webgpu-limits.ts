/**
 * What web-llm asks of a GPU when it creates its WebGPU device, copied from `detectGPUDevice` in
 * @mlc-ai/web-llm 0.2.86 (lib/index.js, around lines 4760-4850). The adapter's limits are not what
 * a model gets: web-llm requests 1 GiB buffers and bindings, or falls back to WebGPU's defaults,
 * and creates its device with exactly that. A model is judged against those clamped limits, since
 * web-llm's artifact check (`ArtifactManifestError`, around line 11765) compares it with the device.
 * Re-read that function when web-llm is upgraded.
 */
import type { GpuCapabilities } from './device.js';

const KiB = 1024;
const MiB = 1024 ** 2;

/** What web-llm asks for first, for both the largest buffer and the largest storage binding. */
export const WEB_LLM_PREFERRED_BYTES = 1 << 30;
/** web-llm's fallback when the adapter offers less than 1 GiB; below it, web-llm refuses to start. */
export const WEB_LLM_FALLBACK_BUFFER_BYTES = 1 << 28;
export const WEB_LLM_FALLBACK_BINDING_BYTES = 1 << 27;
/** Fixed requirements, no fallback. */
export const WEB_LLM_WORKGROUP_STORAGE_BYTES = 32 << 10;
export const WEB_LLM_STORAGE_BUFFERS_PER_STAGE = 10;

export type WebGpuLimits = Pick<
  GpuCapabilities,
  'maxBufferSize' | 'maxStorageBufferBindingSize' | 'maxComputeWorkgroupStorageSize' | 'maxStorageBuffersPerShaderStage'
>;

export interface WebLlmDeviceLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/**
 * The buffer limits of the device web-llm will create on this adapter. Meaningful only when
 * `hardLimitProblem` finds nothing; otherwise web-llm creates no device at all.
 */
export function deviceLimitsWebLlmRequests(gpu: WebGpuLimits): WebLlmDeviceLimits {
  return {
    maxBufferSize: gpu.maxBufferSize >= WEB_LLM_PREFERRED_BYTES ? WEB_LLM_PREFERRED_BYTES : WEB_LLM_FALLBACK_BUFFER_BYTES,
    maxStorageBufferBindingSize:
      gpu.maxStorageBufferBindingSize >= WEB_LLM_PREFERRED_BYTES ? WEB_LLM_PREFERRED_BYTES : WEB_LLM_FALLBACK_BINDING_BYTES,
  };
}

/**
 * The limit that stops web-llm from creating a device on this adapter, as a sentence for a person,
 * or undefined when the GPU engine can start. Checked in web-llm's order, so the sentence names the
 * same limit web-llm's own error would.
 */
export function hardLimitProblem(gpu: WebGpuLimits): string | undefined {
  if (gpu.maxBufferSize < WEB_LLM_FALLBACK_BUFFER_BYTES) {
    return (
      `This GPU allows buffers of only ${sizeInMB(gpu.maxBufferSize)} (maxBufferSize); ` +
      `the GPU engine needs ${sizeInMB(WEB_LLM_FALLBACK_BUFFER_BYTES)}.`
    );
  }
  if (gpu.maxStorageBufferBindingSize < WEB_LLM_FALLBACK_BINDING_BYTES) {
    return (
      `This GPU allows storage bindings of only ${sizeInMB(gpu.maxStorageBufferBindingSize)} (maxStorageBufferBindingSize); ` +
      `the GPU engine needs ${sizeInMB(WEB_LLM_FALLBACK_BINDING_BYTES)}.`
    );
  }
  if (gpu.maxComputeWorkgroupStorageSize < WEB_LLM_WORKGROUP_STORAGE_BYTES) {
    return (
      `This GPU allows only ${sizeInKB(gpu.maxComputeWorkgroupStorageSize)} of workgroup storage (maxComputeWorkgroupStorageSize); ` +
      `the GPU engine needs ${sizeInKB(WEB_LLM_WORKGROUP_STORAGE_BYTES)}.`
    );
  }
  if (gpu.maxStorageBuffersPerShaderStage < WEB_LLM_STORAGE_BUFFERS_PER_STAGE) {
    return (
      `This GPU allows only ${gpu.maxStorageBuffersPerShaderStage} storage buffers per shader stage (maxStorageBuffersPerShaderStage); ` +
      `the GPU engine needs ${WEB_LLM_STORAGE_BUFFERS_PER_STAGE}.`
    );
  }
  return undefined;
}

/**
 * Rounded down, to one decimal when not whole: a limit one byte short of 128 MiB must not read as
 * "128 MB" next to "needs 128 MB".
 */
export function sizeInMB(bytes: number): string {
  return `${roundDown(bytes / MiB)} MB`;
}

function sizeInKB(bytes: number): string {
  return `${roundDown(bytes / KiB)} KB`;
}

function roundDown(value: number): string {
  return Number.isInteger(value) ? String(value) : (Math.floor(value * 10) / 10).toFixed(1);
}
