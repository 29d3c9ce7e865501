import { expect, fixture, html } from '@open-wc/testing';
import type { ApertoModelManager } from '../../src/elements/model-manager/model-manager.js';
import '../../src/elements/model-manager/model-manager.define.js';
import { deepQueryAll, waitFor } from '../support/dom.js';

describe('catalog on a GPU without shader-f16', () => {
  async function mountManager() {
    const manager = await fixture<ApertoModelManager>(html`<aperto-model-manager></aperto-model-manager>`);
    await waitFor(() => deepQueryAll(manager, 'aperto-model-card').length > 0, 'the catalog');
    return manager;
  }

  function loadButtonOf(manager: Element, modelId: string): HTMLButtonElement {
    const card = deepQueryAll(manager, `aperto-model-card[data-model-id="${modelId}"]`)[0];
    return card.shadowRoot!.querySelector('button.primary') as HTMLButtonElement;
  }

  it('offers at least ten open-weight models, Qwen among them', async () => {
    const manager = await mountManager();

    const ids = deepQueryAll(manager, 'aperto-model-card').map((card) => card.getAttribute('data-model-id')!);
    expect(ids.length).to.be.at.least(10);
    expect(ids.some((id) => id.startsWith('Qwen'))).to.equal(true);
  });

  it('marks every q4f16 variant unavailable and explains that shader-f16 is missing', async () => {
    const manager = await mountManager();

    const f16 = deepQueryAll(manager, 'aperto-model-card').filter((c) => /q\df16/.test(c.getAttribute('data-model-id')!));
    expect(f16.length).to.be.greaterThan(5);
    for (const card of f16) {
      expect(card.hasAttribute('unavailable'), card.getAttribute('data-model-id')!).to.equal(true);
      expect(loadButtonOf(manager, card.getAttribute('data-model-id')!).disabled).to.equal(true);
      expect(card.shadowRoot!.textContent).to.include('shader-f16');
    }
  });

  it('lets the f32 variant of a small Qwen be loaded', async () => {
    const manager = await mountManager();

    expect(loadButtonOf(manager, 'Qwen3-0.6B-q4f32_1-MLC').disabled).to.equal(false);
    expect(loadButtonOf(manager, 'Qwen3-0.6B-q4f16_1-MLC').disabled).to.equal(true);
  });

  it('recommends the smallest Qwen that fits, in an f32 variant', async () => {
    const manager = await mountManager();

    const recommended = deepQueryAll(manager, 'aperto-model-card[recommended]');
    expect(recommended).to.have.length(1);
    const id = recommended[0].getAttribute('data-model-id')!;
    expect(id).to.match(/^Qwen.*q\df32/);
  });
});
