/**
 * What the page keeps alive, and for how long: the speech recogniser's worker across visits to
 * Translate, the blob URLs that start cross-origin workers, and the page engine held by elements
 * that only show it (status strip, network indicator, model manager).
 *
 * Workers are counted by a `Worker` subclass installed before any module that starts one is
 * loaded (`ModuleWorker` extends whatever `Worker` is when its module is evaluated), so every
 * module under test is imported dynamically, after it.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { deepQueryAll, deepText, waitFor } from '../support/dom.js';
import { ScriptedEngine } from '../support/scripted-engine.js';

interface StartedWorker {
  name: string;
  terminated: boolean;
}

const started: StartedWorker[] = [];
/** Whisper models the stand-in below was asked to load. */
const whisperLoads: string[] = [];

const NativeWorker = window.Worker;
class CountedWorker extends NativeWorker {
  private readonly record: StartedWorker;

  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    this.record = { name: options?.name ?? '', terminated: false };
    started.push(this.record);
  }

  override terminate(): void {
    this.record.terminated = true;
    super.terminate();
  }

  /**
   * CI has no Whisper weights: a load request to the speech worker is answered as a loaded
   * Whisper answers it, so the page holds a recogniser as it does after a real load. The worker
   * itself is the real one.
   */
  override postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
    const request = message as { kind?: string; id?: number; payload?: { model?: string } };
    if (this.record.name === 'aperto-asr' && request.kind === 'load') {
      whisperLoads.push(request.payload?.model ?? '');
      const reply = { kind: 'reply', id: request.id, payload: { device: 'wasm' } };
      setTimeout(() => this.dispatchEvent(new MessageEvent('message', { data: reply })), 10);
      return;
    }
    super.postMessage(message, transfer as Transferable[]);
  }
}
window.Worker = CountedWorker;

const liveRecognizers = () => started.filter((w) => w.name === 'aperto-asr' && !w.terminated).length;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pick an audio file in the translator, as a person does (the recogniser is loaded first). */
async function chooseAudioFile(element: HTMLElement, file: File): Promise<void> {
  const input = await waitFor(() => deepQueryAll<HTMLInputElement>(element, 'input[type="file"][aria-label="Audio file"]')[0], 'the file input');
  const files = new DataTransfer();
  files.items.add(file);
  input.files = files.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('speech recognition across visits to Translate', () => {
  it('keeps one recogniser for the page over ten visits, loads Whisper once, and frees it once nobody uses it', async function () {
    this.timeout(120_000);
    await import('../../src/elements/translate/translate.define.js');
    const engine = new ScriptedEngine(() => ({ tokens: ['ok'] })).ready();

    for (let visit = 1; visit <= 10; visit++) {
      // The app renders a new <aperto-translate> on each visit and drops it on leaving.
      const element = await fixture<HTMLElement>(html`<aperto-translate .engine=${engine} input="file"></aperto-translate>`);
      // Not audio: the recogniser is ready first, then the file is refused (no voice detector needed).
      await chooseAudioFile(element, new File(['not audio'], `visit-${visit}.wav`, { type: 'audio/wav' }));
      await waitFor(() => deepText(element).includes(`visit-${visit}.wav`), `visit ${visit}'s file to be tried`);
      element.remove();
    }

    expect(liveRecognizers(), 'speech workers alive after the tenth visit').to.be.at.most(1);
    expect(whisperLoads, 'Whisper loads').to.deep.equal(['whisper-base']);
    await waitFor(() => liveRecognizers() === 0, 'the speech worker to be freed after the last visit', 30_000);
  });
});

describe('workers started from another origin', () => {
  it('revokes the blob URL that starts each one, and the worker still fetches its script', async () => {
    const { ModuleWorker } = await import('../../src/engine/module-worker.js');
    const created: string[] = [];
    const revoked = new Set<string>();
    const { createObjectURL, revokeObjectURL } = URL;
    URL.createObjectURL = (object: Blob | MediaSource) => {
      const url = createObjectURL(object);
      created.push(url);
      return url;
    };
    URL.revokeObjectURL = (url: string) => {
      revoked.add(url);
      revokeObjectURL(url);
    };
    await fetch('/hub/__reset');
    // localhost is another origin than this page's 127.0.0.1: the script is imported through a blob.
    const script = new URL('/hub/leaks/probe.worker.js', location.href);
    script.hostname = 'localhost';

    let workers: Worker[] = [];
    try {
      workers = [1, 2, 3].map(() => new ModuleWorker(script, { name: 'leak-probe' }));
      // The hub has no such script: each worker reports the failed import once it has tried.
      await Promise.all(workers.map((worker) => new Promise((resolve) => worker.addEventListener('error', resolve, { once: true }))));
    } finally {
      workers.forEach((worker) => worker.terminate());
      URL.createObjectURL = createObjectURL;
      URL.revokeObjectURL = revokeObjectURL;
    }

    expect(created, 'one blob URL per worker').to.have.length(3);
    expect(created.filter((url) => !revoked.has(url)), 'blob URLs never revoked').to.deep.equal([]);
    const log: string[] = await (await fetch('/hub/__log')).json();
    expect(log.filter((line) => line === 'GET /hub/leaks/probe.worker.js'), 'each worker asked for its script').to.have.length(3);
  });
});

describe('elements that only show the page engine', () => {
  /** Longer than the page engine's grace for an engine nobody holds (1 s). */
  const PAST_ENGINE_GRACE_MS = 1500;

  before(async () => {
    await Promise.all([
      import('../../src/elements/chat/chat.define.js'),
      import('../../src/elements/model-manager/model-manager.define.js'),
      import('../../src/elements/network-indicator/network-indicator.define.js'),
      import('../../src/elements/status-strip/status-strip.define.js'),
    ]);
  });

  it('keep showing the page engine after the element that chose it leaves and another arrives', async () => {
    const { existingPageEngine } = await import('../../src/engine/page-engine.js');
    const embedding = await fixture<HTMLElement>(html`<div>
      <aperto-chat engine="cpu"></aperto-chat>
      <aperto-status-strip></aperto-status-strip>
      <aperto-network-indicator></aperto-network-indicator>
    </div>`);
    const strip = embedding.querySelector('aperto-status-strip')!;
    const indicator = embedding.querySelector('aperto-network-indicator')!;
    await waitFor(() => existingPageEngine(), 'the page engine');

    embedding.querySelector('aperto-chat')!.remove();
    await pause(PAST_ENGINE_GRACE_MS);
    embedding.append(document.createElement('aperto-chat'));
    const page = await waitFor(() => existingPageEngine(), 'the page engine');
    page.store.startLoading('aperto-leak-test-model');
    page.store.reportProgress('aperto-leak-test-model', { phase: 'downloading', progress: 0.25, loadedBytes: 1_000_000, totalBytes: 4_000_000 });

    await waitFor(() => deepText(strip).includes('aperto-leak-test-model'), 'the strip to show the model loading');
    expect(deepText(strip)).to.include('Engine: CPU');
    await waitFor(() => deepText(indicator).includes('Downloading aperto-leak-test-model'), 'the indicator to show the download');
    embedding.remove();
    await waitFor(() => existingPageEngine() === undefined, 'the engine to be freed', 5000);
  });

  it('let the page engine be freed once they leave the page', async () => {
    const { existingPageEngine } = await import('../../src/engine/page-engine.js');
    const embedding = await fixture<HTMLElement>(html`<div>
      <aperto-status-strip></aperto-status-strip>
      <aperto-network-indicator></aperto-network-indicator>
      <aperto-model-manager></aperto-model-manager>
    </div>`);
    const page = await waitFor(() => existingPageEngine(), 'the page engine');
    let disposed = 0;
    const dispose = page.engine.dispose.bind(page.engine);
    page.engine.dispose = () => {
      disposed++;
      dispose();
    };
    await pause(PAST_ENGINE_GRACE_MS);
    expect(existingPageEngine(), 'held while they are shown').to.equal(page);

    embedding.remove();

    await waitFor(() => existingPageEngine() === undefined, 'the engine to be freed', 5000);
    expect(disposed).to.equal(1);
  });
});
