import { Task } from '@lit/task';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { VIEWS, VIEW_LABELS, hrefFor, parseRoute, type Route, type View } from '../../app/routes.js';
import type { ProposedModel } from '../../engine/model-library.js';
import { deviceReport, leasePageEngine, type EngineLease, type PageEngine } from '../../engine/page-engine.js';
import { ApertoModelDecisionEvent } from '../../events/model-decision.js';
import { SettingsStore } from '../../storage/settings.js';
import { keepCustomModel, NOT_SAVED_NOTE } from '../shared/keep-custom-model.js';
import { tokens } from '../shared/tokens.styles.js';
import { appStyles } from './app.styles.js';
import { ModelOfferController } from './model-offer-controller.js';
import { ApertoChat } from '../chat/chat.js';
import { ApertoDevicePanel } from '../device-panel/device-panel.js';
import { ApertoModelManager } from '../model-manager/model-manager.js';
import { ApertoModelOffer } from '../model-offer/model-offer.js';
import { ApertoModelProposal } from '../model-proposal/model-proposal.js';
import { ApertoNetworkIndicator } from '../network-indicator/network-indicator.js';
import { ApertoNoWebgpu } from '../no-webgpu/no-webgpu.js';
import { ApertoStatusStrip } from '../status-strip/status-strip.js';
import { ApertoUpdatePrompt } from '../update-prompt/update-prompt.js';
import { defineOnce } from '../shared/define-once.js';

/**
 * The translator (its pipeline, speech and audio code) is fetched when its view is first opened:
 * the page's first view stays small (scripts/first-view-budget.mjs).
 */
let translateView: Promise<unknown> | undefined;
function loadTranslateView(): Promise<unknown> {
  translateView ??= import('../translate/translate.define.js').catch((error: unknown) => {
    translateView = undefined;
    throw error;
  });
  return translateView;
}

/**
 * @summary The Aperto app shell: navigation between Chat, Translate, Models and Device, the engine
 * status strip, and the no-WebGPU explanation where a view needs the GPU. A model the link offers
 * from outside the catalog is asked about first ("Add this model?"), whatever view the link opens.
 * While no model is loaded, the chat and the translator offer one in place, one press away (the
 * link's, the last one used here, or the recommended one); the last one used loads by itself when
 * it is stored here (app/model-offer.ts).
 */
export class ApertoApp extends LitElement {
  static override styles = [tokens, appStyles];
  static override properties = {
    route: { state: true },
    view: { reflect: true },
    notices: { attribute: false },
    linkedModel: { attribute: false },
    proposedModel: { attribute: false },
  };

  declare route: Route;
  /** The view on screen, reflected for the layout (chat fills the window; the others scroll). */
  declare view: View;
  /** Things to tell the person at start (a bad link parameter, the engine chosen for them). */
  declare notices: string[];
  /** A model named by the link (`model=`), offered in the chat and translator and pointed out in Models. */
  declare linkedModel?: string;
  /**
   * A model the link offers from outside the catalog: not added, not saved, not in the engine's
   * list. Shown with where its files come from; only the person's "Add this model" adds it.
   */
  declare proposedModel?: ProposedModel;
  private readonly settings = new SettingsStore();
  /** The model the chat and the translator offer while none is loaded, and the last model's load on opening. */
  private readonly offer = new ModelOfferController(this, this.settings);
  /** The page's engine, once the page has chosen it (the view is on screen before that). */
  private engine?: PageEngine;
  private readonly device = new Task(this, { task: () => deviceReport(), args: () => [] });

  constructor() {
    super();
    // The elements it renders (see define-once.ts).
    defineOnce({ 'aperto-chat': ApertoChat, 'aperto-device-panel': ApertoDevicePanel, 'aperto-model-manager': ApertoModelManager, 'aperto-model-offer': ApertoModelOffer, 'aperto-model-proposal': ApertoModelProposal, 'aperto-network-indicator': ApertoNetworkIndicator, 'aperto-no-webgpu': ApertoNoWebgpu, 'aperto-status-strip': ApertoStatusStrip, 'aperto-update-prompt': ApertoUpdatePrompt });
    this.route = parseRoute(location.hash);
    this.view = this.route.view;
    this.notices = [];
  }

  private lease?: EngineLease;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    // The app holds the engine for the whole visit: views come and go, the loaded model stays. On the
    // app page it is the one the page chooses (main.ts); an app mounted on its own starts the GPU engine.
    const lease = (this.lease = leasePageEngine('webgpu'));
    if (lease.current) this.adopt(lease.current);
    else void lease.ready.then((engine) => this.lease === lease && this.adopt(engine));
  }

  private adopt(engine: PageEngine): void {
    this.engine = engine;
    // Watch the worker; the status strip offers "Reload model" when it is lost.
    engine.recovery.start();
    this.offer.adopt(engine);
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    this.lease?.release();
    this.lease = undefined;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // The link's model is known after the engine (main.ts resolves it against the engine's library).
    if (changed.has('linkedModel')) this.offer.setLinked(this.linkedModel);
    if (this.route.view === 'translate') {
      loadTranslateView().catch(() => {
        const notice = 'The translator could not be loaded. Check the connection and reload the page.';
        if (!this.notices.includes(notice)) this.notices = [...this.notices, notice];
      });
    }
  }

  private readonly onHashChange = () => {
    this.route = parseRoute(location.hash);
    this.view = this.route.view;
    document.title = `${VIEW_LABELS[this.route.view]} · Aperto`;
  };

  private readonly onProposalDecision = async (event: ApertoModelDecisionEvent): Promise<void> => {
    event.stopPropagation();
    const proposed = this.proposedModel;
    const engine = this.engine;
    if (!proposed || !engine) return;
    this.proposedModel = undefined;
    if (!event.add) {
      this.notices = [...this.notices, `${proposed.entry.name} was not added. Nothing was downloaded or saved.`];
      return;
    }
    let kept;
    try {
      kept = keepCustomModel(engine.library, this.settings, proposed.input);
    } catch (error) {
      this.notices = [...this.notices, `The model in the link could not be added. ${error instanceof Error ? error.message : String(error)}`];
      return;
    }
    // Shown where it can be loaded, pointed out as the link's model.
    this.linkedModel = kept.entry.id;
    location.hash = hrefFor('models');
    if (!(await kept.saved)) this.notices = [...this.notices, `${kept.entry.name} was added. ${NOT_SAVED_NOTE}`];
  };

  override render() {
    const { view, unknown } = this.route;
    return html`
      <header>
        <span class="brand">Aperto</span>
        <nav aria-label="Views">
          <ul>
            ${VIEWS.map(
              (v) =>
                html`<li><a href=${hrefFor(v)} aria-current=${v === view ? 'page' : nothing}>${VIEW_LABELS[v]}</a></li>`,
            )}
          </ul>
        </nav>
        <aperto-status-strip></aperto-status-strip>
        <aperto-network-indicator></aperto-network-indicator>
      </header>
      <main id="main">
        <aperto-update-prompt></aperto-update-prompt>
        ${unknown
          ? html`<p class="notice" role="status">There is no “${unknown}” page; showing ${VIEW_LABELS[view]}.</p>`
          : nothing}
        ${this.notices.map((notice) => html`<p class="notice" role="status">${notice}</p>`)}
        ${this.proposedModel
          ? html`<aperto-model-proposal
              from-link
              .entry=${this.proposedModel.entry}
              @aperto-model-decision=${this.onProposalDecision}
            ></aperto-model-proposal>`
          : nothing}
        <h1>${VIEW_LABELS[view]}</h1>
        ${this.renderView(view)}
      </main>
    `;
  }

  /**
   * The view at once, without waiting for the device probe or the engine choice: the chat and the
   * translator show their composer straight away and wait for the engine themselves. Models needs
   * the chosen engine's catalog, so it says what it waits for meanwhile.
   */
  private renderView(view: View) {
    if (view === 'device') return html`<aperto-device-panel></aperto-device-panel>`;
    const report = this.device.value;
    const engine = this.engine;
    // The GPU engine asked for (link or setting) on a browser without WebGPU: the chat stays (one
    // template, so what was typed is kept), the other views explain.
    const noWebGpu =
      report && engine && !report.gpu.available && engine.store.engine === 'webgpu'
        ? html`<aperto-no-webgpu reason=${report.gpu.reason} detail=${report.gpu.detail ?? nothing}></aperto-no-webgpu>`
        : undefined;
    // Shown by the chat and the translator in place while no model is loaded (their model-offer slot).
    const offer = html`<aperto-model-offer slot="model-offer" .plan=${this.offer.plan} models-href=${hrefFor('models')}></aperto-model-offer>`;
    switch (view) {
      case 'chat':
        return html`${noWebGpu ?? nothing}<aperto-chat>${offer}</aperto-chat>`;
      case 'models':
        if (noWebGpu) return noWebGpu;
        return engine
          ? html`<aperto-model-manager .highlight=${this.linkedModel}></aperto-model-manager>`
          : html`<p role="status">Checking what this device can run…</p>`;
      case 'translate':
        return noWebGpu ?? html`<aperto-translate>${offer}</aperto-translate>`;
      default:
        return nothing;
    }
  }
}
