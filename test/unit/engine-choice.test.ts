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
  features: ['shader-f16'],
};
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
});
