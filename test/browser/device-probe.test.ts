import { expect, fixture, html } from '@open-wc/testing';
import { chooseEngine } from '../../src/app/engine-choice.js';
import { probeGpu } from '../../src/engine/device.js';
import { deviceLimitsWebLlmRequests, hardLimitProblem } from '../../src/engine/webgpu-limits.js';
import '../../src/elements/device-panel/device-panel.define.js';
import { deepQueryAll, waitFor } from '../support/dom.js';

describe('device probe on the SwiftShader WebGPU adapter', () => {
  it('reports an adapter without 16-bit shaders and with real buffer limits', async () => {
    const gpu = await probeGpu();

    expect(gpu.available).to.equal(true);
    if (!gpu.available) return;
    expect(gpu.shaderF16).to.equal(false);
    expect(gpu.isFallbackAdapter).to.equal(true);
    expect(gpu.maxBufferSize).to.be.greaterThan(128 * 1024 * 1024 - 1);
    expect(gpu.maxStorageBufferBindingSize).to.be.greaterThan(0);
  });

  it('reads the limits web-llm checks, and keeps the GPU engine on an adapter that meets them', async () => {
    const gpu = await probeGpu();
    if (!gpu.available) throw new Error('WebGPU is expected in this group');
    const adapter = (await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }))!;

    expect(gpu.maxComputeWorkgroupStorageSize).to.equal(adapter.limits.maxComputeWorkgroupStorageSize);
    expect(gpu.maxStorageBuffersPerShaderStage).to.equal(adapter.limits.maxStorageBuffersPerShaderStage);
    expect(hardLimitProblem(gpu)).to.equal(undefined);
    expect(chooseEngine('auto', gpu).kind).to.equal('webgpu');
    // The device web-llm creates never has more than 1 GiB bindings, whatever the adapter offers.
    expect(deviceLimitsWebLlmRequests(gpu).maxStorageBufferBindingSize).to.be.at.most(1 << 30);
  });

  it('chooses the CPU engine, naming the limit, when the same adapter reports fewer storage buffers than web-llm needs', async () => {
    const gpu = await probeGpu();
    if (!gpu.available) throw new Error('WebGPU is expected in this group');

    const choice = chooseEngine('auto', { ...gpu, maxStorageBuffersPerShaderStage: 8 });

    expect(choice.kind).to.equal('cpu');
    expect(choice.reason).to.include('maxStorageBuffersPerShaderStage');
  });

  it('shows the adapter, shader-f16 "no" and the storage estimate on the Device panel', async () => {
    const panel = await fixture(html`<aperto-device-panel></aperto-device-panel>`);

    const field = (name: string) => deepQueryAll(panel, `[data-field="${name}"]`)[0]?.textContent?.trim();
    await waitFor(() => field('webgpu'), 'the device report');

    expect(field('webgpu')).to.equal('available');
    expect(field('shader-f16')).to.equal('no');
    expect(field('fallback')).to.equal('yes');
    expect(field('max-buffer')).to.match(/\d+(\.\d+)? (MB|GB)/);
    expect(field('quota')).to.match(/\d+(\.\d+)? (KB|MB|GB)/);
  });
});
