import { describe, expect, it } from 'vitest';
import { chooseEngine, parseEnginePreference } from '../../src/app/engine-choice.js';
import type { GpuCapabilities, GpuUnavailable } from '../../src/engine/device.js';

const GPU: GpuCapabilities = {
  available: true,
  vendor: 'test',
  architecture: 'test',
  description: 'a test GPU',
  isFallbackAdapter: false,
  shaderF16: true,
  subgroups: false,
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 30,
  maxComputeWorkgroupStorageSize: 32 * 1024,
  maxStorageBuffersPerShaderStage: 10,
  features: ['shader-f16'],
};
/** A GPU web-llm refuses: too little workgroup storage for its shaders. */
const LIMITED_GPU: GpuCapabilities = { ...GPU, description: 'a GPU below web-llm’s limits', maxComputeWorkgroupStorageSize: 16 * 1024 };
const NO_GPU: GpuUnavailable = { available: false, reason: 'no-navigator-gpu' };

describe('parseEnginePreference (the ?engine= of a link)', () => {
  it('asks for nothing when the link has no engine', () => {
    expect(parseEnginePreference(null)).toEqual({});
  });

  it('asks for nothing when the engine is empty', () => {
    expect(parseEnginePreference('')).toEqual({});
  });

  it.each([
    ['auto', 'auto'],
    ['webgpu', 'webgpu'],
    ['cpu', 'cpu'],
    ['CPU', 'cpu'],
    ['WebGPU', 'webgpu'],
    ['Auto', 'auto'],
    [' cpu ', 'cpu'],
  ] as const)('understands “%s” as the %s engine', (value, preference) => {
    expect(parseEnginePreference(value)).toEqual({ preference });
  });

  it('refuses an engine that does not exist, naming it', () => {
    const parsed = parseEnginePreference('gpu');

    expect(parsed.preference).toBeUndefined();
    expect(parsed.error).toContain('“gpu”');
  });

  it('lists the allowed engines when refusing one', () => {
    const { error } = parseEnginePreference('tpu');

    expect(error).toMatch(/auto/);
    expect(error).toMatch(/webgpu/);
    expect(error).toMatch(/cpu/);
  });

  it('quotes only the start of a very long engine value', () => {
    const long = 'x'.repeat(40) + 'TAIL'.repeat(500);

    const { error } = parseEnginePreference(long);

    expect(error).toContain('x'.repeat(40));
    expect(error).not.toContain('TAIL');
    expect(error!.length).toBeLessThan(200);
  });
});

describe('chooseEngine', () => {
  it('runs on the GPU when automatic and the browser offers WebGPU', () => {
    expect(chooseEngine('auto', GPU).kind).toBe('webgpu');
  });

  it('falls back to the CPU when automatic and WebGPU is not usable', () => {
    expect(chooseEngine('auto', NO_GPU).kind).toBe('cpu');
  });

  it('explains the CPU fallback by the missing WebGPU', () => {
    expect(chooseEngine('auto', NO_GPU).reason).toMatch(/WebGPU/);
  });

  it.each([
    ['webgpu', 'an available GPU', GPU],
    ['webgpu', 'no GPU', NO_GPU],
    ['cpu', 'an available GPU', GPU],
    ['cpu', 'no GPU', NO_GPU],
  ] as const)('uses the %s engine when chosen, with %s', (preference, _gpu, gpu) => {
    expect(chooseEngine(preference, gpu)).toMatchObject({ kind: preference, reason: expect.stringMatching(/as chosen/) });
  });

  it('falls back to the CPU when automatic and the GPU is below what the GPU engine needs', () => {
    expect(chooseEngine('auto', LIMITED_GPU).kind).toBe('cpu');
  });

  it('explains that CPU fallback by naming the GPU’s limit', () => {
    const { reason } = chooseEngine('auto', LIMITED_GPU);

    expect(reason).toMatch(/^CPU engine: this GPU is below what the GPU engine needs/);
    expect(reason).toContain('16 KB of workgroup storage');
    expect(reason).toContain('32 KB');
  });

  it.each([
    ['binding size exactly 128 MiB', { maxStorageBufferBindingSize: 128 * 2 ** 20 }],
    ['maxBufferSize exactly 256 MiB', { maxBufferSize: 256 * 2 ** 20 }],
    ['exactly 32768 bytes of workgroup storage', { maxComputeWorkgroupStorageSize: 32768 }],
    ['exactly 10 storage buffers per shader stage', { maxStorageBuffersPerShaderStage: 10 }],
  ] as const)('keeps the GPU when automatic and the GPU has %s', (_what, limits) => {
    expect(chooseEngine('auto', { ...GPU, ...limits }).kind).toBe('webgpu');
  });

  it.each([
    ['binding size one byte under 128 MiB', { maxStorageBufferBindingSize: 128 * 2 ** 20 - 1 }, 'maxStorageBufferBindingSize'],
    ['maxBufferSize one byte under 256 MiB', { maxBufferSize: 256 * 2 ** 20 - 1 }, 'maxBufferSize'],
    ['32767 bytes of workgroup storage', { maxComputeWorkgroupStorageSize: 32767 }, 'maxComputeWorkgroupStorageSize'],
    ['9 storage buffers per shader stage', { maxStorageBuffersPerShaderStage: 9 }, 'maxStorageBuffersPerShaderStage'],
  ] as const)('picks the CPU when automatic and the GPU has %s, naming the limit', (_what, limits, named) => {
    expect(chooseEngine('auto', { ...GPU, ...limits })).toMatchObject({ kind: 'cpu', reason: expect.stringContaining(named) });
  });

  it('still uses the GPU engine when chosen on a GPU below its needs', () => {
    expect(chooseEngine('webgpu', LIMITED_GPU).kind).toBe('webgpu');
  });

  it('warns that the chosen GPU engine will likely fail, naming the limit', () => {
    const { reason } = chooseEngine('webgpu', LIMITED_GPU);

    expect(reason).toMatch(/as chosen/);
    expect(reason).toMatch(/likely fail/);
    expect(reason).toContain('workgroup storage');
  });
});
