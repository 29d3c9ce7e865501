/**
 * Whether the kiosk may start a model by itself (src/app/kiosk-start.ts): only one stored on the
 * device, or one the site owner configured whose size is known; everything else waits for the
 * "Download <name> (<size>) and start the kiosk" press, and a model that does not fit is refused.
 */
import { describe, expect, it } from 'vitest';
import { downloadLabel, planKioskStart, type KioskModelChoice } from '../../src/app/kiosk-start.js';
import { recommendedModel, type FittedEntry } from '../../src/engine/catalog.js';
import { cpuCatalog } from '../../src/engine/cpu/cpu-catalog.js';
import { customCpuEntry, fitCpuModel } from '../../src/engine/cpu/cpu-library.js';

const custom = customCpuEntry({ url: 'https://models.example.org/any/huge-model-Q8_0.gguf' }, new Set());
const entries = [custom, ...cpuCatalog];
/** Fitted for a device reporting `memoryGB` of memory (CPU engine rules, 64-bit memory available). */
const fitted = (memoryGB = 8, list: readonly (typeof custom)[] = entries): FittedEntry[] => list.map((entry) => ({ ...entry, fit: fitCpuModel(entry, { deviceMemoryGB: memoryGB }, true) }));

function plan(overrides: Partial<KioskModelChoice> = {}) {
  const all = overrides.fitted ?? fitted();
  return planKioskStart({ configured: [], stored: new Set(), recommended: recommendedModel(all), ...overrides, fitted: all });
}

const qwen = 'Qwen3-0.6B-Q8_0-GGUF';
const smol = 'SmolLM2-135M-Instruct-Q4_1-GGUF';

describe('the kiosk start', () => {
  it('asks before downloading a catalog model a link names, with its name and size on the button', () => {
    const { start, problems } = plan({ linked: qwen });
    expect(start.kind).toBe('ask');
    if (start.kind !== 'ask') return;
    expect(start.entry.id).toBe(qwen);
    expect(downloadLabel(start.entry)).toMatch(/^Download Qwen3 0\.6B .*\(\d+ MB\) and start the kiosk$/);
    expect(problems).toEqual([]);
  });

  it('asks before downloading a model URL a link names, saying its size is unknown', () => {
    const { start } = plan({ linked: custom.id });
    expect(start).toMatchObject({ kind: 'ask', entry: { id: custom.id } });
    if (start.kind === 'ask') expect(downloadLabel(start.entry)).toBe('Download huge-model-Q8_0 (size unknown) and start the kiosk');
  });

  it('starts by itself with a model the link names that is stored on this device', () => {
    expect(plan({ linked: custom.id, stored: new Set([custom.id]) }).start).toMatchObject({ kind: 'autoload', because: 'stored', entry: { id: custom.id } });
  });

  it('refuses a linked catalog model that does not fit, with the reason, even when it is stored', () => {
    const { start, problems } = plan({ linked: qwen, stored: new Set([qwen]), fitted: fitted(0.25, cpuCatalog) });
    expect(problems).toEqual([expect.stringMatching(/^The link’s model “Qwen3 0\.6B.*” cannot run on this device\. Too large for this device: needs about .* GB of memory, this device reports 0\.25 GB\.$/)]);
    expect(start.kind).toBe('none');
  });

  it('offers the device’s default instead of a linked model that does not fit, still behind the press', () => {
    const small = fitted(1).map((e) => (e.id === qwen ? { ...e, fit: { fits: false as const, verdict: 'too-large' as const, reason: 'Too large.' } } : e));
    const { start, problems } = plan({ linked: qwen, fitted: small });
    expect(problems).toHaveLength(1);
    expect(start.kind).toBe('ask');
    if (start.kind === 'ask') expect(start.entry.id).not.toBe(qwen);
  });

  it('starts by itself with the site owner’s model when its size is known', () => {
    expect(plan({ configured: [qwen] }).start).toMatchObject({ kind: 'autoload', because: 'site', entry: { id: qwen } });
  });

  it('asks even for the site owner’s model when its size is unknown, until it is stored', () => {
    expect(plan({ configured: [custom.id] }).start).toMatchObject({ kind: 'ask', entry: { id: custom.id } });
    expect(plan({ configured: [custom.id], stored: new Set([custom.id]) }).start).toMatchObject({ kind: 'autoload', because: 'stored' });
  });

  it('treats a link naming the site owner’s model as the owner’s', () => {
    expect(plan({ linked: qwen, configured: [qwen] }).start).toMatchObject({ kind: 'autoload', because: 'site' });
  });

  it('prefers the link’s model to the owner’s, but only starts it by itself once it is stored', () => {
    expect(plan({ linked: smol, configured: [qwen] }).start).toMatchObject({ kind: 'ask', entry: { id: smol } });
  });

  it('refuses the site owner’s model when it does not fit, with the reason', () => {
    const { start, problems } = plan({ configured: [qwen], fitted: fitted(0.25, cpuCatalog) });
    expect(start.kind).toBe('none');
    expect(problems[0]).toMatch(/^The site’s kiosk model “Qwen3 0\.6B.*” cannot run on this device\. Too large for this device/);
  });

  it('with no model named, starts a stored one that fits (the recommended one first), else asks for the recommended one', () => {
    const all = fitted();
    const recommended = recommendedModel(all)!;
    expect(plan({ stored: new Set([smol, recommended.id]) }).start).toMatchObject({ kind: 'autoload', entry: { id: recommended.id } });
    expect(plan({ stored: new Set([smol]) }).start).toMatchObject({ kind: 'autoload', entry: { id: smol } });
    expect(plan().start).toMatchObject({ kind: 'ask', entry: { id: recommended.id } });
  });

  it('has nothing to start when no model fits', () => {
    expect(plan({ fitted: fitted(0.125, cpuCatalog), stored: new Set([smol]) }).start).toEqual({ kind: 'none' });
  });
});
