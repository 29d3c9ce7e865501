/**
 * The app page's entry. It defines the elements and paints the shell and the current view at once;
 * behind them it settles which engine runs models (the link's `engine=`, else the saved choice, else
 * what the device can do), restores models added by URL and takes a `model=<url>` from the link,
 * and the view updates as each finishes. Elements that need the engine meanwhile wait for this
 * choice (choosePageEngine), so none of them starts the wrong one.
 *
 * Everything imported here is what the page loads before its view appears, within a budget
 * (scripts/first-view-budget.mjs): the model engines, the translator and speech load when used.
 */
import { chooseEngine, parseEnginePreference, type ParsedPreference } from './app/engine-choice.js';
import { checkContext } from './app/parameters.js';
import { restoreSavedCustomModels } from './app/saved-models.js';
import { ApertoApp } from './elements/app/app.js';
import { CustomModelError, refuseBlockedHosts, type ModelLibrary, type ProposedModel } from './engine/model-library.js';
import { choosePageEngine, deviceReport, existingPageEngine, setPageEngineOptions, type PageEngineOptions } from './engine/page-engine.js';
import { releasePageEngineOnLeave } from './engine/page-leave.js';
import { RemoteModelLibrary } from './engine/remote/remote-library.js';
import { readSiteServers, serverOrigins } from './engine/remote/site-servers.js';
import type { EngineKind } from './engine/store.js';
import { registerServiceWorker } from './pwa/register.js';
import { SettingsStore } from './storage/settings.js';

interface LinkedModel {
  linkedModel?: string;
  proposedModel?: ProposedModel;
  notice?: string;
}

/**
 * A model URL in the link is only proposed: nothing is added, saved or handed to the engine until
 * the person, shown where its weights and code come from, answers "Add this model". Anyone can
 * publish a library on an allowed host, so a link alone must not plant code that runs on Load. A
 * model on a host this site's policy leaves out is refused at once, naming the host.
 */
async function modelFromLink(params: URLSearchParams, library: ModelLibrary): Promise<LinkedModel> {
  const modelParam = params.get('model');
  if (!modelParam) return {};
  const known = library.entries().find((e) => e.id === modelParam);
  if (known) return { linkedModel: known.id };
  try {
    const input = { url: modelParam, libraryUrl: params.get('model_lib') ?? undefined };
    const entry = library.previewCustom(input);
    // Added before (and confirmed then): pointed out like a catalog model, keeping its context window.
    if (library.entries().includes(entry)) return { linkedModel: entry.id };
    await refuseBlockedHosts(entry);
    return { proposedModel: { input, entry } };
  } catch (error) {
    const why = error instanceof CustomModelError ? error.message : String(error);
    return { notice: `The model in the link could not be added. ${why}` };
  }
}

/**
 * The engine for this page: the link's, else the one saved on this device, else what the device can
 * run. The remote engine only where the site lists servers (never chosen for the person, and a link
 * can ask for it but not name a server): the one saved here if the site still lists it, else its first.
 */
async function decideEngine(
  fromLink: ParsedPreference,
  settings: SettingsStore,
  options: PageEngineOptions,
): Promise<{ kind: EngineKind; notice?: string }> {
  const [report, saved] = await Promise.all([deviceReport(), settings.enginePreference()]);
  const preference = fromLink.preference ?? saved ?? 'auto';
  if (preference === 'remote') {
    const [servers, remembered] = await Promise.all([readSiteServers(), settings.remoteServer()]);
    if (servers.length) {
      const server = remembered && servers.includes(remembered.baseUrl) ? remembered : { baseUrl: servers[0] };
      setPageEngineOptions({ ...options, remote: { server, allowedOrigins: serverOrigins(servers) } });
      return { kind: 'remote' };
    }
    const fallback = chooseEngine('auto', report.gpu);
    return { kind: fallback.kind, notice: `${NO_SITE_SERVER} ${fallback.reason}` };
  }
  const choice = chooseEngine(preference, report.gpu);
  return { kind: choice.kind, ...(choice.kind === 'cpu' && !fromLink.preference && !saved ? { notice: choice.reason } : {}) };
}

const NO_SITE_SERVER = 'The remote engine was asked for, but this site has no remote server set up (its owner lists them in APERTO_REMOTE_SERVERS).';

function start(): void {
  const params = new URL(location.href).searchParams;
  // `?kiosk` on the app opens the kiosk page with the same parameters.
  if (params.has('kiosk')) {
    location.replace(new URL(`kiosk.html${location.search}`, location.href));
    return;
  }
  const settings = new SettingsStore();
  const notices: string[] = [];
  const fromLink = parseEnginePreference(params.get('engine'));
  if (fromLink.error) notices.push(fromLink.error);
  const context = checkContext(params.get('context'));
  if (context.problem) notices.push(context.problem);
  const options: PageEngineOptions = { contextSize: context.value };
  setPageEngineOptions(options);

  // Decided behind the view. The app's elements wait for it before they use an engine, and find the
  // models added on earlier visits in it.
  const decided = decideEngine(fromLink, settings, options);
  const later: string[] = [];
  let linked: LinkedModel = {};
  const chosen = choosePageEngine(
    decided.then(({ kind }) => kind),
    async ({ library }) => {
      // A remote server's models are the ones it lists now (a server that does not answer says why in Models).
      if (library instanceof RemoteModelLibrary) await library.refresh(AbortSignal.timeout(10_000));
      const dropped = await restoreSavedCustomModels(settings, library).catch(() => undefined);
      if (dropped) later.push(dropped);
      linked = await modelFromLink(params, library);
      if (linked.notice) later.push(linked.notice);
    },
  );

  // Defined here rather than by importing app.define.ts: only after the choice above is under way, so the
  // app and its views, asking for the engine as they connect, wait for it.
  customElements.get('aperto-app') || customElements.define('aperto-app', ApertoApp);
  const app = document.querySelector('aperto-app');
  if (!app) return;
  app.notices = notices;
  void Promise.all([decided, chosen]).then(([{ notice }]) => {
    app.notices = [...notices, ...(notice ? [notice] : []), ...later];
    app.linkedModel = linked.linkedModel;
    app.proposedModel = linked.proposedModel;
  });
}

// Keeps the app on this device for offline use; a new version is offered, never forced.
registerServiceWorker();
// A page left mid-load must not keep its download, files and worker open in the back/forward cache.
releasePageEngineOnLeave(existingPageEngine);
start();
