/** Runs in a Chromium started without WebGPU: the app must say why and stay usable. */
import { expect, fixture, html } from '@open-wc/testing';
import { probeGpu } from '../../src/engine/device.js';
import '../../src/elements/app/app.define.js';
import { deepQueryAll, deepText, waitFor } from '../support/dom.js';

describe('a browser without WebGPU', () => {
  afterEach(() => {
    location.hash = '';
  });

  it('is detected as having no usable adapter', async () => {
    const gpu = await probeGpu();

    expect(gpu.available).to.equal(false);
    if (!gpu.available) expect(['no-adapter', 'no-navigator-gpu']).to.include(gpu.reason);
  });

  it('shows the no-WebGPU screen, with what to do, instead of the model catalog', async () => {
    location.hash = '#/models';
    const app = await fixture(html`<aperto-app></aperto-app>`);

    const screen = await waitFor(() => deepQueryAll(app, 'aperto-no-webgpu')[0], 'the no-WebGPU screen');

    expect(deepText(screen)).to.include('Models cannot run in this browser');
    expect(deepText(screen)).to.include('Chrome or Edge 113');
    expect(deepQueryAll(app, 'aperto-model-card')).to.have.length(0);
  });

  it('keeps the Device view usable, reporting WebGPU as not available', async () => {
    location.hash = '#/device';
    const app = await fixture(html`<aperto-app></aperto-app>`);

    const field = await waitFor(() => deepQueryAll(app, '[data-field="webgpu"]')[0], 'the device report');

    expect(field.textContent).to.match(/^not available/);
    expect(deepQueryAll(app, '[data-field="quota"]')[0].textContent).to.match(/\d/);
  });
});
