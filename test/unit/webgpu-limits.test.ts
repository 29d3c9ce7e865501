import { describe, expect, it } from 'vitest';
import { deviceLimitsWebLlmRequests, hardLimitProblem, type WebGpuLimits } from '../../src/engine/webgpu-limits.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Exactly what web-llm needs and prefers: 1 GiB buffers and bindings, 32 KiB, 10 buffers. */
const atWebLlmLimits: WebGpuLimits = {
  maxBufferSize: GiB,
  maxStorageBufferBindingSize: GiB,
  maxComputeWorkgroupStorageSize: 32 * 1024,
  maxStorageBuffersPerShaderStage: 10,
};

function adapterWith(limits: Partial<WebGpuLimits>): WebGpuLimits {
  return { ...atWebLlmLimits, ...limits };
}

describe('deviceLimitsWebLlmRequests (the limits of the device web-llm creates)', () => {
  it.each([
    [4 * GiB, GiB],
    [GiB, GiB],
    [GiB - 1, 128 * MiB],
    [512 * MiB, 128 * MiB],
    [128 * MiB, 128 * MiB],
  ])('on an adapter offering %i bytes of bindings, gives %i', (adapter, device) => {
    expect(deviceLimitsWebLlmRequests(adapterWith({ maxStorageBufferBindingSize: adapter })).maxStorageBufferBindingSize).toBe(device);
  });

  it.each([
    [4 * GiB, GiB],
    [GiB, GiB],
    [GiB - 1, 256 * MiB],
    [256 * MiB, 256 * MiB],
  ])('on an adapter offering %i bytes of buffers, gives %i', (adapter, device) => {
    expect(deviceLimitsWebLlmRequests(adapterWith({ maxBufferSize: adapter })).maxBufferSize).toBe(device);
  });
});

describe('hardLimitProblem (the limits below which web-llm creates no device)', () => {
  it('finds nothing wrong with an adapter exactly at every limit', () => {
    const justEnough = adapterWith({ maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB });

    expect(hardLimitProblem(justEnough)).toBeUndefined();
  });

  it.each([
    ['maxBufferSize', { maxBufferSize: 256 * MiB - 1 }],
    ['maxStorageBufferBindingSize', { maxStorageBufferBindingSize: 128 * MiB - 1 }],
    ['maxComputeWorkgroupStorageSize', { maxComputeWorkgroupStorageSize: 32 * 1024 - 1 }],
    ['maxStorageBuffersPerShaderStage', { maxStorageBuffersPerShaderStage: 9 }],
  ] as const)('names %s when it is just below what web-llm needs', (name, limits) => {
    expect(hardLimitProblem(adapterWith(limits))).toContain(name);
  });

  it('says how much workgroup storage the GPU allows and the engine needs', () => {
    expect(hardLimitProblem(adapterWith({ maxComputeWorkgroupStorageSize: 16 * 1024 }))).toMatch(
      /^This GPU allows only 16 KB of workgroup storage.*the GPU engine needs 32 KB\.$/,
    );
  });

  it('does not round a limit one byte short up to what the engine needs', () => {
    const problem = hardLimitProblem(adapterWith({ maxStorageBufferBindingSize: 128 * MiB - 1 }));

    expect(problem).toContain('only 127.9 MB');
    expect(problem).toContain('needs 128 MB');
  });

  it('names the limit web-llm checks first when several are too low', () => {
    const problem = hardLimitProblem(adapterWith({ maxBufferSize: 128 * MiB, maxStorageBuffersPerShaderStage: 8 }));

    expect(problem).toContain('maxBufferSize');
    expect(problem).not.toContain('maxStorageBuffersPerShaderStage');
  });
});
