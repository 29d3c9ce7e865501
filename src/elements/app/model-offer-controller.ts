/**
 * The app's side of "one press to a model": decides which model the chat and the translator offer
 * while none is loaded (app/model-offer.ts), decides it again after every load, loads the last
 * model by itself once when the app opens (when the plan says so), keeps the model last loaded in
 * the settings, and loads the model an offer's button asks for.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { OfferPlan } from '../../app/model-offer.js';
import { gatherModelOffer } from '../../app/offer-sources.js';
import { rememberLoadedModels } from '../../app/remember-model.js';
import type { PageEngine } from '../../engine/page-engine.js';
import type { EngineStatus } from '../../engine/store.js';
import { ApertoModelRequestEvent } from '../../events/model-request.js';
import type { SettingsStore } from '../../storage/settings.js';

export class ModelOfferController implements ReactiveController {
  /** What to offer; undefined until the first decision. */
  plan?: OfferPlan;
  private engine?: PageEngine;
  private linked?: string;
  /** The link names a model (`model=`): then nothing loads by itself. Read once, like the rest of the link. */
  private readonly linkNamesModel = new URL(location.href).searchParams.has('model');
  /** The last model loads by itself at most once per visit, when the app opens. */
  private openingLoadDecided = false;
  private round = 0;
  private lastStatus?: EngineStatus;
  private stop?: () => void;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly settings: SettingsStore,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener(ApertoModelRequestEvent.type, this.onModelRequest);
  }

  hostDisconnected(): void {
    this.host.removeEventListener(ApertoModelRequestEvent.type, this.onModelRequest);
    this.stop?.();
    this.stop = undefined;
    this.engine = undefined;
  }

  /** The page's engine, once chosen. */
  adopt(engine: PageEngine): void {
    this.stop?.();
    this.engine = engine;
    const remembering = rememberLoadedModels(engine, this.settings);
    engine.store.addEventListener('change', this.onEngineChange);
    this.stop = () => {
      remembering();
      engine.store.removeEventListener('change', this.onEngineChange);
    };
    this.lastStatus = engine.store.state.status;
    void this.decide();
  }

  /** The link's model, known after the engine (main.ts resolves it against the engine's library). */
  setLinked(modelId: string | undefined): void {
    if (modelId === this.linked) return;
    this.linked = modelId;
    if (this.engine) void this.decide();
  }

  /** After a load ends (ready, failed, cancelled) what is stored and what was used last have changed. */
  private readonly onEngineChange = (): void => {
    const status = this.engine?.store.state.status;
    if (this.lastStatus === 'loading' && status !== 'loading') void this.decide();
    this.lastStatus = status;
  };

  /**
   * Decide again; the newest decision wins. The first one that stands also loads the last model by
   * itself when the plan says so (stored here, setting on, no model in the link) and nothing else has
   * started meanwhile.
   */
  private async decide(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    const round = ++this.round;
    const plan = await gatherModelOffer(engine, this.settings, {
      ...(this.linked !== undefined ? { linked: this.linked } : {}),
      namesModel: this.linkNamesModel,
    });
    if (round !== this.round || engine !== this.engine) return;
    this.plan = plan;
    this.host.requestUpdate();
    if (this.openingLoadDecided) return;
    this.openingLoadDecided = true;
    if (!plan.offer?.autoload) return;
    // Another tab may have a model loaded or loading, shared with this one: that one stays.
    if (await engine.engine.attached?.()) return;
    if (engine === this.engine && engine.store.state.status === 'idle') void engine.engine.load(plan.offer.entry.id);
  }

  /** An offer's button. Cards in Models are handled (and stopped) there. */
  private readonly onModelRequest = (event: ApertoModelRequestEvent): void => {
    const engine = this.engine;
    if (event.action !== 'load' || !engine) return;
    event.stopPropagation();
    const status = engine.store.state.status;
    if (status === 'loading' || status === 'generating') return;
    void engine.engine.load(event.modelId);
  };
}
