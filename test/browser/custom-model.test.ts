/**
 * Adding a model by URL in <aperto-model-manager>, as a person does it: typing the address into the
 * "Add a model by URL" form, pressing "Add model", reading where the model comes from and answering
 * "Add this model?"; and removing it again. The CPU engine is real (wllama against the synthetic
 * GGUF model of the local hub, test/support/local-hub.mjs); nothing is mocked.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { ApertoModelManager } from '../../src/elements/model-manager/model-manager.js';
import { catalog } from '../../src/engine/app-config.js';
import { CpuEngineClient } from '../../src/engine/cpu/cpu-engine-client.js';
import { CpuModelLibrary } from '../../src/engine/cpu/cpu-library.js';
import { EngineClient } from '../../src/engine/engine-client.js';
import { GpuModelLibrary } from '../../src/engine/gpu-library.js';
import type { ModelLibrary } from '../../src/engine/model-library.js';
import { EngineStore } from '../../src/engine/store.js';
import { SettingsStore } from '../../src/storage/settings.js';
import '../../src/elements/model-manager/model-manager.define.js';
import { accessibleName, deepQueryAll, deepText, findButton, waitFor } from '../support/dom.js';

const SYNTHETIC_URL = new URL('/hub/gguf/synthetic.gguf', location.href).href;
/** GPU models are only added here, never loaded, so the addresses need not answer. */
const MLC_URL = 'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC';
const WASM_URL = 'https://example.com/libs/Qwen3-0.6B-q4f16_1-ctx4k_cs1k-webgpu.wasm';

interface Mounted {
  manager: ApertoModelManager;
  settings: SettingsStore;
}

const databases: string[] = [];

async function mount(library: ModelLibrary): Promise<Mounted> {
  const database = `aperto-test-settings-${crypto.randomUUID()}`;
  databases.push(database);
  const settings = new SettingsStore(database, 'settings');
  const manager = await fixture<ApertoModelManager>(
    html`<aperto-model-manager .library=${library} .settings=${settings}></aperto-model-manager>`,
  );
  // Until the device is probed the catalog is empty; a card appearing later would prove nothing.
  await waitFor(() => !deepText(manager).includes('Checking what this device can run'), 'the device probe');
  await waitFor(() => cards(manager).length === library.entries().length, 'the catalog');
  return { manager, settings };
}

function cards(manager: Element): Element[] {
  return deepQueryAll(manager, 'aperto-model-card');
}

/** The text box of a form field, found by the words of its label. */
function box(manager: Element, label: string): HTMLInputElement {
  const found = deepQueryAll<HTMLLabelElement>(manager, 'label').find((l) => accessibleName(l).startsWith(label));
  if (!found) throw new Error(`No field labelled “${label}”`);
  return found.querySelector('input')!;
}

function type(input: HTMLInputElement, text: string): void {
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

/** The "Add this model?" question, once asked. */
function proposal(manager: Element): Element | undefined {
  return deepQueryAll(manager, 'aperto-model-proposal')[0];
}

/** Press "Add model", then answer "Add this model" once the question shows. */
async function addAndConfirm(manager: Element): Promise<void> {
  findButton(manager, 'Add model')!.click();
  const question = await waitFor(() => proposal(manager), 'the question “Add this model?”');
  findButton(question, 'Add this model')!.click();
}

function formAlert(manager: Element): HTMLElement | undefined {
  return deepQueryAll<HTMLElement>(manager, 'form [role="alert"]')[0];
}

/** Polls an asynchronous probe (IndexedDB reads) until it answers something truthy. */
async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 10000): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

afterEach(async () => {
  for (const name of databases.splice(0)) indexedDB.deleteDatabase(name);
});

describe('adding a GGUF model by URL on the CPU engine', () => {
  let client: CpuEngineClient;
  let store: EngineStore;

  beforeEach(() => {
    store = new EngineStore('cpu');
    client = new CpuEngineClient({ store });
  });

  afterEach(() => client.dispose());

  it('refuses an address that is not a .gguf file with an alert saying why, adding no card', async () => {
    const { manager } = await mount(new CpuModelLibrary(client));
    const before = cards(manager).map((card) => card.getAttribute('data-model-id'));

    type(box(manager, 'Model URL'), 'https://example.com/models/tiny-model.safetensors');
    findButton(manager, 'Add model')!.click();
    const alert = await waitFor(() => formAlert(manager), 'the alert');

    expect(alert.textContent!.trim()).to.equal('The CPU engine runs GGUF models: the URL must point to a .gguf file.');
    expect(cards(manager).map((card) => card.getAttribute('data-model-id'))).to.deep.equal(before);
  });

  it('adds a GGUF model as a highlighted card, marked "Added by URL", at the top of the catalog', async () => {
    const library = new CpuModelLibrary(client);
    const { manager } = await mount(library);
    const curated = cards(manager).length;

    type(box(manager, 'Model URL'), SYNTHETIC_URL);
    await addAndConfirm(manager);
    await waitFor(() => cards(manager).length === curated + 1, 'the new card');

    const first = cards(manager)[0];
    expect(first.getAttribute('data-model-id')).to.equal('synthetic');
    expect(first.shadowRoot!.querySelector('h3')!.textContent).to.equal('synthetic');
    expect(first.hasAttribute('highlighted')).to.equal(true);
    expect(deepText(first)).to.include('Added by URL');
    expect(formAlert(manager)).to.equal(undefined);
  });

  it('empties the Model URL box once the model is added', async () => {
    const { manager } = await mount(new CpuModelLibrary(client));
    const url = box(manager, 'Model URL');

    type(url, SYNTHETIC_URL);
    await addAndConfirm(manager);
    await waitFor(() => cards(manager)[0]?.getAttribute('data-model-id') === 'synthetic', 'the new card');

    expect(url.value).to.equal('');
  });

  it('loads the added model when its Load button is pressed, ending with the model ready', async () => {
    const { manager } = await mount(new CpuModelLibrary(client));
    type(box(manager, 'Model URL'), SYNTHETIC_URL);
    await addAndConfirm(manager);
    const load = await waitFor(() => findButton(manager, 'Load synthetic GGUF'), 'the Load button of the new card');

    load.click();
    await waitFor(() => deepText(manager).includes('is loaded and ready'), 'the model to be ready');

    expect(store.state).to.deep.equal({ status: 'ready', modelId: 'synthetic' });
    expect(deepText(manager)).to.include('synthetic (GGUF) is loaded and ready');
  });

  it('saves the added model in the settings, so it is there after a reload', async () => {
    const { manager, settings } = await mount(new CpuModelLibrary(client));

    type(box(manager, 'Model URL'), SYNTHETIC_URL);
    await addAndConfirm(manager);
    const saved = await eventually(() => settings.customModels(), (models) => models.length > 0, 'the saved model');

    expect(saved).to.have.length(1);
    expect(saved[0]).to.include({ engine: 'cpu', url: SYNTHETIC_URL });
  });

  it('does not save a model it refused', async () => {
    const { manager, settings } = await mount(new CpuModelLibrary(client));

    type(box(manager, 'Model URL'), 'https://example.com/models/tiny-model.safetensors');
    findButton(manager, 'Add model')!.click();
    await waitFor(() => formAlert(manager), 'the alert');

    expect(await settings.customModels()).to.deep.equal([]);
  });
});

describe('adding a model by URL on the GPU engine', () => {
  let client: EngineClient;

  beforeEach(() => {
    client = new EngineClient({ store: new EngineStore(), appConfig: { model_list: [] } });
  });

  afterEach(() => client.dispose());

  it('will not add a model without its library URL: the browser asks for the missing field', async () => {
    const library = new GpuModelLibrary(client, []);
    const { manager, settings } = await mount(library);
    const libraryBox = box(manager, 'Library URL');
    let refused = false;
    libraryBox.addEventListener('invalid', () => (refused = true));

    type(box(manager, 'Model URL'), 'https://huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC');
    findButton(manager, 'Add model')!.click();
    await manager.updateComplete;

    expect(refused, 'the Library URL box was reported as invalid').to.equal(true);
    expect(libraryBox.validity.valueMissing).to.equal(true);
    expect(cards(manager)).to.have.length(0);
    expect(library.entries()).to.have.length(0);
    expect(await settings.customModels()).to.deep.equal([]);
  });

  it('offers a context window of 4,096 tokens before anything is typed', async () => {
    const { manager } = await mount(new GpuModelLibrary(client, []));

    const context = box(manager, 'Context window (tokens)');

    expect(context.type).to.equal('number');
    expect(context.value).to.equal('4096');
  });

  it('shows the context window typed into the form on the added model’s card', async () => {
    const { manager } = await mount(new GpuModelLibrary(client, []));

    type(box(manager, 'Model URL'), MLC_URL);
    type(box(manager, 'Library URL'), WASM_URL);
    type(box(manager, 'Context window (tokens)'), '8192');
    await addAndConfirm(manager);
    const card = await waitFor(() => cards(manager)[0], 'the new card');

    expect(card.getAttribute('data-model-id')).to.equal('Qwen3-0.6B-q4f16_1-MLC');
    expect(deepText(card)).to.include('Context 8,192 tokens');
    expect(formAlert(manager)).to.equal(undefined);
  });

  it('puts the context window back to 4,096 once the model is added', async () => {
    const { manager } = await mount(new GpuModelLibrary(client, []));
    const context = box(manager, 'Context window (tokens)');

    type(box(manager, 'Model URL'), MLC_URL);
    type(box(manager, 'Library URL'), WASM_URL);
    type(context, '2048');
    await addAndConfirm(manager);
    await waitFor(() => cards(manager)[0], 'the new card');

    expect(context.value).to.equal('4096');
  });

  it('saves the context window with the model, so it loads with the same window after a reload', async () => {
    const { manager, settings } = await mount(new GpuModelLibrary(client, []));

    type(box(manager, 'Model URL'), MLC_URL);
    type(box(manager, 'Library URL'), WASM_URL);
    type(box(manager, 'Context window (tokens)'), '2048');
    await addAndConfirm(manager);
    const saved = await eventually(() => settings.customModels(), (models) => models.length > 0, 'the saved model');

    expect(saved).to.deep.equal([{ engine: 'webgpu', url: MLC_URL, libraryUrl: WASM_URL, contextWindow: 2048 }]);
  });

  it('will not add a model with a context window beyond 131,072 tokens: the browser reports the field', async () => {
    const library = new GpuModelLibrary(client, []);
    const { manager } = await mount(library);
    const context = box(manager, 'Context window (tokens)');
    let refused = false;
    context.addEventListener('invalid', () => (refused = true));

    type(box(manager, 'Model URL'), MLC_URL);
    type(box(manager, 'Library URL'), WASM_URL);
    type(context, '200000');
    findButton(manager, 'Add model')!.click();
    await manager.updateComplete;

    expect(refused, 'the Context window box was reported as invalid').to.equal(true);
    expect(context.validity.rangeOverflow).to.equal(true);
    expect(library.entries()).to.have.length(0);
  });
});

describe('adding a model by URL on the CPU engine, which sizes its context for the whole page', () => {
  it('asks for no context window', async () => {
    const client = new CpuEngineClient({ store: new EngineStore('cpu') });
    try {
      const { manager } = await mount(new CpuModelLibrary(client));

      const labels = deepQueryAll<HTMLLabelElement>(manager, 'form label').map((l) => accessibleName(l));

      expect(labels).to.deep.equal(['Model URL']);
    } finally {
      client.dispose();
    }
  });
});

describe('asking before a model from outside the catalog is added (GPU: its library is code)', () => {
  let client: EngineClient;

  beforeEach(() => {
    client = new EngineClient({ store: new EngineStore(), appConfig: { model_list: [] } });
  });

  afterEach(() => client.dispose());

  async function typeModel(manager: Element): Promise<Element> {
    type(box(manager, 'Model URL'), MLC_URL);
    type(box(manager, 'Library URL'), WASM_URL);
    findButton(manager, 'Add model')!.click();
    return waitFor(() => proposal(manager), 'the question “Add this model?”');
  }

  it('names where the weights and the code come from, and warns to add only models from sources one trusts', async () => {
    const { manager } = await mount(new GpuModelLibrary(client, []));

    const question = await typeModel(manager);

    const text = deepText(question);
    expect(text).to.include('Weights from huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC');
    expect(text).to.include('Code from example.com/libs/Qwen3-0.6B-q4f16_1-ctx4k_cs1k-webgpu.wasm');
    expect(text).to.include(
      'Add this model? Its program comes from example.com/libs/Qwen3-0.6B-q4f16_1-ctx4k_cs1k-webgpu.wasm — only add models from sources you trust.',
    );
    expect(findButton(question, 'Add this model')).to.not.equal(undefined);
    expect(findButton(question, 'Cancel')).to.not.equal(undefined);
  });

  it('adds nothing while the question is open: no card, nothing for the engine, nothing saved', async () => {
    const library = new GpuModelLibrary(client, []);
    const { manager, settings } = await mount(library);

    await typeModel(manager);

    expect(cards(manager)).to.have.length(0);
    expect(client.config.model_list).to.deep.equal([]);
    expect(await settings.customModels()).to.deep.equal([]);
  });

  it('adds nothing and saves nothing on Cancel, and keeps what was typed', async () => {
    const library = new GpuModelLibrary(client, []);
    const { manager, settings } = await mount(library);
    const question = await typeModel(manager);

    findButton(question, 'Cancel')!.click();
    await waitFor(() => !proposal(manager), 'the question to close');
    // Anything the answer saved would be written by now.
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(cards(manager)).to.have.length(0);
    expect(library.entries()).to.have.length(0);
    expect(client.config.model_list).to.deep.equal([]);
    expect(await settings.customModels()).to.deep.equal([]);
    expect(box(manager, 'Model URL').value).to.equal(MLC_URL);
    expect(box(manager, 'Library URL').value).to.equal(WASM_URL);
  });

  it('on "Add this model" adds the card, hands the engine its record and saves it', async () => {
    const { manager, settings } = await mount(new GpuModelLibrary(client, []));
    const question = await typeModel(manager);

    findButton(question, 'Add this model')!.click();
    const card = await waitFor(() => cards(manager)[0], 'the new card');
    const saved = await eventually(() => settings.customModels(), (models) => models.length > 0, 'the saved model');

    expect(card.getAttribute('data-model-id')).to.equal('Qwen3-0.6B-q4f16_1-MLC');
    expect(client.config.model_list.map((r) => r.model_lib)).to.deep.equal([WASM_URL]);
    expect(saved).to.deep.equal([{ engine: 'webgpu', url: MLC_URL, libraryUrl: WASM_URL, contextWindow: 4096 }]);
    expect(proposal(manager)).to.equal(undefined);
  });

  it('asks again when an address is changed after the question was asked', async () => {
    const { manager } = await mount(new GpuModelLibrary(client, []));
    await typeModel(manager);

    type(box(manager, 'Library URL'), 'https://elsewhere.example/lib.wasm');
    await manager.updateComplete;

    expect(proposal(manager)).to.equal(undefined);
  });

  it('shows on the added model’s card where its weights and its code come from', async () => {
    const { manager } = await mount(new GpuModelLibrary(client, []));
    type(box(manager, 'Model URL'), MLC_URL);
    type(box(manager, 'Library URL'), WASM_URL);

    await addAndConfirm(manager);
    const card = await waitFor(() => cards(manager)[0], 'the new card');

    expect(deepText(card)).to.include(
      'Weights from huggingface.co/mlc-ai/Qwen3-0.6B-q4f16_1-MLC · code from example.com/libs/Qwen3-0.6B-q4f16_1-ctx4k_cs1k-webgpu.wasm',
    );
  });

  it('removes the model on Remove: gone from the list, from the engine’s list and from the settings', async () => {
    const library = new GpuModelLibrary(client, []);
    const { manager, settings } = await mount(library);
    type(box(manager, 'Model URL'), MLC_URL);
    type(box(manager, 'Library URL'), WASM_URL);
    await addAndConfirm(manager);
    await eventually(() => settings.customModels(), (models) => models.length === 1, 'the saved model');
    const card = await waitFor(() => cards(manager)[0], 'the new card');

    findButton(card, 'Remove Qwen3-0.6B-q4f16_1-MLC q4f16_1 from the catalog')!.click();
    await waitFor(() => cards(manager).length === 0, 'the card to go');
    const saved = await eventually(() => settings.customModels(), (models) => models.length === 0, 'the saved model to go');

    expect(saved).to.deep.equal([]);
    expect(library.entries()).to.have.length(0);
    expect(client.config.model_list).to.deep.equal([]);
    expect(deepText(manager)).to.include('Qwen3-0.6B-q4f16_1-MLC (q4f16_1) was removed from the catalog.');
  });

  it('offers Remove on a model added by URL, and not on the catalog’s own', async () => {
    const { manager } = await mount(new GpuModelLibrary(client, catalog.slice(0, 1)));
    type(box(manager, 'Model URL'), MLC_URL);
    type(box(manager, 'Library URL'), WASM_URL);

    await addAndConfirm(manager);
    await waitFor(() => cards(manager).length === 2, 'the new card');

    const removable = cards(manager).map((card) => [card.getAttribute('data-model-id'), !!findButton(card, /^Remove /)]);
    expect(removable).to.deep.equal([
      ['Qwen3-0.6B-q4f16_1-MLC', true],
      [catalog[0].id, false],
    ]);
  });
});

describe('removing a GGUF model added by URL', () => {
  let client: CpuEngineClient;
  let store: EngineStore;

  beforeEach(() => {
    store = new EngineStore('cpu');
    client = new CpuEngineClient({ store });
  });

  afterEach(() => client.dispose());

  it('asks before adding it too, naming where its weights come from', async () => {
    const { manager, settings } = await mount(new CpuModelLibrary(client, []));
    type(box(manager, 'Model URL'), SYNTHETIC_URL);

    findButton(manager, 'Add model')!.click();
    const question = await waitFor(() => proposal(manager), 'the question');

    expect(deepText(question)).to.include(`Add this model? Its weights come from ${location.host}/hub/gguf/… — only add models from sources you trust.`);
    expect(cards(manager)).to.have.length(0);
    expect(await settings.customModels()).to.deep.equal([]);
  });

  it('unloads a loaded model and deletes its file from this device', async () => {
    const library = new CpuModelLibrary(client, []);
    const { manager, settings } = await mount(library);
    type(box(manager, 'Model URL'), SYNTHETIC_URL);
    await addAndConfirm(manager);
    (await waitFor(() => findButton(manager, 'Load synthetic GGUF'), 'the Load button')).click();
    await waitFor(() => deepText(manager).includes('is loaded and ready'), 'the model to be ready');
    await waitFor(() => deepQueryAll(manager, `tr[data-location="${SYNTHETIC_URL}"]`)[0], 'the stored file to be listed');

    findButton(manager, 'Remove synthetic GGUF from the catalog')!.click();
    await waitFor(() => cards(manager).length === 0, 'the card to go');
    // Other test files share this origin's storage: only this model's file matters here.
    await waitFor(() => deepQueryAll(manager, `tr[data-location="${SYNTHETIC_URL}"]`).length === 0, 'the stored file to go');

    expect(store.state.status).to.equal('idle');
    expect((await library.listStored()).filter((file) => file.location === SYNTHETIC_URL)).to.deep.equal([]);
    expect(await settings.customModels()).to.deep.equal([]);
  });
});
