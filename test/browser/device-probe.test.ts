import { expect, fixture, html } from '@open-wc/testing';
import { probeGpu } from '../../src/engine/device.js';
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
