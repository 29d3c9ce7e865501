/**
 * The model manager's view of a remote server: its models are the ones it lists (`GET /v1/models`),
 * nothing is downloaded or stored on this device, and nothing can be added by URL (the server
 * decides what it serves).
 */
import type { CatalogEntry, Fit } from '../catalog.js';
import type { EngineError } from '../errors.js';
import { CustomModelError, type ModelLibrary, type StoredModel } from '../model-library.js';
import type { RemoteEngineClient, RemoteModel } from './remote-engine-client.js';
import { leavesTheDevice, serverHost } from './remote-server.js';

/** A served model as a catalog entry: sizes unknown (and irrelevant here), made by whoever the server says. */
export function remoteEntry(model: RemoteModel, baseUrl: string): CatalogEntry {
  return {
    id: model.id,
    engine: 'remote',
    name: model.id,
    family: 'Remote',
    maker: model.ownedBy ? `${model.ownedBy} · ${serverHost(baseUrl)}` : serverHost(baseUrl),
    country: '—',
    licence: 'see the server',
    parametersB: 0,
    quantization: '—',
    weightBits: 0,
    activation: 'f32',
    downloadBytes: 0,
    vramMB: 0,
    contextWindow: 0,
    reasoning: false,
    general: true,
    lowResource: false,
    requiredFeatures: [],
    modelUrl: baseUrl,
    note: leavesTheDevice(baseUrl),
  };
}

export class RemoteModelLibrary implements ModelLibrary {
  readonly kind = 'remote' as const;
  private models: CatalogEntry[] = [];
  /** Why the last listing failed, if it did: shown where the models would be. */
  problem: EngineError | undefined;

  constructor(readonly engine: RemoteEngineClient) {}

  get label(): string {
    const server = this.engine.server;
    return server ? `Remote · ${serverHost(server.baseUrl)}` : 'Remote · no server set';
  }

  /** Ask the server for its models again; afterwards `entries()` has them, or `problem` says why not. */
  async refresh(signal?: AbortSignal): Promise<void> {
    const server = this.engine.server;
    if (!server) {
      this.models = [];
      return;
    }
    try {
      this.models = (await this.engine.listModels(signal)).map((m) => remoteEntry(m, server.baseUrl));
      this.problem = undefined;
    } catch (error) {
      this.models = [];
      this.problem = error as EngineError;
    }
  }

  entries(): readonly CatalogEntry[] {
    return this.models;
  }

  /** The server runs it: nothing about this device decides. */
  fit(): Fit {
    return { fits: true };
  }

  /** Nothing of a remote model is kept on this device. */
  async listStored(): Promise<StoredModel[]> {
    return [];
  }

  async deleteModel(): Promise<void> {}

  addCustom(): CatalogEntry {
    throw new CustomModelError('A remote server’s models are the ones it serves: add a model on the server, then refresh the list here.');
  }

  previewCustom(): CatalogEntry {
    return this.addCustom();
  }

  removeCustom(): CatalogEntry | undefined {
    return undefined;
  }
}
