import { describe, expect, it } from 'vitest';
import { cpuCatalog } from '../../src/engine/cpu/cpu-catalog.js';
import { TEST_MODEL } from '../support/test-model.mjs';

describe('the CPU catalog', () => {
  const smallest = cpuCatalog.find((entry) => entry.id === 'SmolLM2-135M-Instruct-Q4_1-GGUF');

  it('offers SmolLM2 135M as the smallest model, from a pinned commit of the hub', () => {
    expect(smallest).toBeDefined();
    expect(Math.min(...cpuCatalog.map((entry) => entry.downloadBytes))).toBe(smallest!.downloadBytes);
    expect(smallest!.modelUrl).toMatch(/^https:\/\/huggingface\.co\/[^/]+\/[^/]+\/resolve\/[0-9a-f]{40}\/SmolLM2-135M-Instruct\.Q4_1\.gguf$/);
  });

  it('checks its download against the hash of the very file the tests run', () => {
    expect(smallest!.sha256).toBe(TEST_MODEL.sha256);
    expect(smallest!.downloadBytes).toBeGreaterThanOrEqual(TEST_MODEL.bytes * 0.95);
    expect(smallest!.downloadBytes).toBeLessThanOrEqual(TEST_MODEL.bytes * 1.05);
  });

  it('tells people it is the weakest choice, and never recommends it for general use', () => {
    expect(smallest!.note).toMatch(/smallest/);
    expect(smallest!.note).toMatch(/weakest/);
    expect(smallest!.general).toBe(false);
  });
});
