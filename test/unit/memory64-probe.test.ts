import { afterEach, describe, expect, it, vi } from 'vitest';

describe('the WebAssembly 64-bit memory probe', () => {
  afterEach(() => vi.restoreAllMocks());

  it('creates at most one memory per page, however often it is asked (each reserves ~16 GB of address space)', async () => {
    vi.resetModules();
    const created = vi.spyOn(WebAssembly, 'Memory');
    const { supportsWasmMemory64 } = await import('../../src/engine/cpu/wllama-assets.js');

    // As the model manager asks it: once per model card, on every render.
    const answers = Array.from({ length: 200 }, () => supportsWasmMemory64());

    expect(new Set(answers).size).toBe(1);
    expect(created.mock.calls.length).toBeLessThanOrEqual(1);
  });
});
