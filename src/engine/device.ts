/**
 * Finds out what this browser's GPU can do, without loading any model: whether WebGPU exists and
 * why not, the adapter's identity, its features and limits, and how much storage the origin has.
 */

export type NoWebGpuReason = 'insecure-context' | 'no-navigator-gpu' | 'no-adapter' | 'adapter-error';

export interface GpuCapabilities {
  available: true;
  vendor: string;
  architecture: string;
  description: string;
  /** SwiftShader and other software adapters: they work, but slowly and on the CPU. */
  isFallbackAdapter: boolean;
  shaderF16: boolean;
  subgroups: boolean;
  /** The adapter's own limits; the device web-llm creates may get less (see webgpu-limits.ts). */
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** web-llm cannot start below 32 KiB of workgroup storage or 10 storage buffers per stage. */
  maxComputeWorkgroupStorageSize: number;
  maxStorageBuffersPerShaderStage: number;
  features: string[];
}

export interface GpuUnavailable {
  available: false;
  reason: NoWebGpuReason;
  detail?: string;
}

export interface StorageReport {
  usageBytes?: number;
  quotaBytes?: number;
  persisted?: boolean;
}

export interface DeviceReport {
  gpu: GpuCapabilities | GpuUnavailable;
  storage: StorageReport;
  /** `navigator.deviceMemory` in GB (Chromium only, rounded and capped, often at 8), used to size the memory budget. */
  deviceMemoryGB?: number;
}

export async function probeGpu(nav: Navigator = navigator, secure = globalThis.isSecureContext): Promise<
  GpuCapabilities | GpuUnavailable
> {
  if (!secure) return { available: false, reason: 'insecure-context' };
  const gpu = (nav as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { available: false, reason: 'no-navigator-gpu' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { available: false, reason: 'adapter-error', detail: String(error) };
  }
  if (!adapter) return { available: false, reason: 'no-adapter' };
  const info = adapter.info;
  const features = [...adapter.features].map(String).sort();
  return {
    available: true,
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    description: info?.description ?? '',
    // `isFallbackAdapter` moved from the adapter to its info in newer specs; read both.
    isFallbackAdapter:
      Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean })?.isFallbackAdapter) ||
      Boolean((adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter) ||
      /swiftshader/i.test(`${info?.vendor} ${info?.architecture} ${info?.description}`),
    shaderF16: adapter.features.has('shader-f16'),
    subgroups: adapter.features.has('subgroups'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
    features,
  };
}

export async function probeStorage(nav: Navigator = navigator): Promise<StorageReport> {
  if (!nav.storage?.estimate) return {};
  const [estimate, persisted] = await Promise.all([
    nav.storage.estimate().catch(() => ({}) as StorageEstimate),
    nav.storage.persisted?.().catch(() => undefined) ?? Promise.resolve(undefined),
  ]);
  return { usageBytes: estimate.usage, quotaBytes: estimate.quota, persisted };
}

export async function probeDevice(nav: Navigator = navigator): Promise<DeviceReport> {
  const [gpu, storage] = await Promise.all([probeGpu(nav), probeStorage(nav)]);
  const deviceMemoryGB = (nav as Navigator & { deviceMemory?: number }).deviceMemory;
  return { gpu, storage, ...(deviceMemoryGB ? { deviceMemoryGB } : {}) };
}

/** Ask the browser not to evict downloaded models under storage pressure. */
export async function requestPersistentStorage(nav: Navigator = navigator): Promise<boolean> {
  if (!nav.storage?.persist) return false;
  return nav.storage.persist();
}
