/**
 * What the model manager shows while web-llm reports progress. The reports are web-llm's real
 * texts, fed through the same parser and store the worker's reports go through.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { ApertoModelManager } from '../../src/elements/model-manager/model-manager.js';
import { EngineClient } from '../../src/engine/engine-client.js';
import { GpuModelLibrary } from '../../src/engine/gpu-library.js';
import { appConfigFor, catalog } from '../../src/engine/app-config.js';
import { EtaEstimator, parseProgressReport } from '../../src/engine/progress.js';
import { EngineStore } from '../../src/engine/store.js';
import '../../src/elements/model-manager/model-manager.define.js';
import { deepQueryAll, deepText, waitFor } from '../support/dom.js';

const MODEL = 'Qwen3-0.6B-q4f32_1-MLC';

async function mountWithStore() {
  const store = new EngineStore('webgpu', (flush) => flush());
  const client = new EngineClient({ store, appConfig: appConfigFor(catalog) });
  const manager = await fixture<ApertoModelManager>(
    html`<aperto-model-manager .library=${new GpuModelLibrary(client)}></aperto-model-manager>`,
  );
  return { store, manager };
}

describe('load progress in the model manager', () => {
  it('shows the phase, percentage, megabytes of the total and time left while downloading', async () => {
    const { store, manager } = await mountWithStore();
    const eta = new EtaEstimator();
    store.startLoading(MODEL);

    const report = (text: string, progress: number, at: number) =>
      store.reportProgress(MODEL, eta.update(parseProgressReport({ progress, timeElapsed: 0, text }), at));
    report('Fetching param cache[1/20]: 60MB fetched. 10% completed, 3 secs elapsed. It can take a while…', 0.1, 0);
    report('Fetching param cache[4/20]: 120MB fetched. 20% completed, 6 secs elapsed. It can take a while…', 0.2, 3000);
    await waitFor(() => deepText(manager).includes('20 %'), 'the progress figures');

    const text = deepText(manager);
    expect(text).to.include(`Loading ${'Qwen3 0.6B'}`);
    expect(text).to.include('Downloading weights');
    expect(text).to.include('120 MB of 600 MB');
    expect(text).to.match(/about \d+ s left/);
    const bar = deepQueryAll<HTMLProgressElement>(manager, 'progress')[0];
    expect(bar.value).to.equal(20);
    expect(bar.getAttribute('aria-label')).to.include('Downloading weights');
  });

  it('moves on to shader compilation and then says the model is ready', async () => {
    const { store, manager } = await mountWithStore();
    store.startLoading(MODEL);

    store.reportProgress(
      MODEL,
      parseProgressReport({ progress: 0.35, timeElapsed: 3, text: 'Loading GPU shader modules[40/113]: 35% completed, 3 secs elapsed.' }),
    );
    await waitFor(() => deepText(manager).includes('Compiling GPU shaders'), 'the compile phase');
    store.markReady(MODEL);
    await waitFor(() => deepText(manager).includes('is loaded and ready'), 'the ready note');

    expect(deepQueryAll(manager, 'progress')).to.have.length(0);
  });
});
