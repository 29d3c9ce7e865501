/**
 * The app page's entry. Before any element exists it settles which engine runs models (the link's
 * `engine=`, else the saved choice, else what the device can do), restores models added by URL, and
 * takes a `model=<url>` from the link; then it defines the elements.
 */
import { chooseEngine, parseEnginePreference } from './app/engine-choice.js';
import { CustomModelError, type ProposedModel } from './engine/model-library.js';
import { deviceReport, initPageEngine, setPageEngineOptions } from './engine/page-engine.js';
import { checkContext } from './app/parameters.js';
import { restoreSavedCustomModels } from './app/saved-models.js';
import { registerServiceWorker } from './pwa/register.js';
import { SettingsStore } from './storage/settings.js';

async function start(): Promise<void> {
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
  setPageEngineOptions({ contextSize: context.value });
  const [report, saved] = await Promise.all([deviceReport(), settings.enginePreference()]);
  const choice = chooseEngine(fromLink.preference ?? saved ?? 'auto', report.gpu);
  const { library } = initPageEngine(choice.kind);
  if (choice.kind === 'cpu' && !fromLink.preference && !saved) notices.push(choice.reason);

  const droppedModels = await restoreSavedCustomModels(settings, library);
  if (droppedModels) notices.push(droppedModels);

  // A model URL in the link is only proposed: nothing is added, saved or handed to the engine until
  // the person, shown where its weights and code come from, answers "Add this model". Anyone can
  // publish a library on an allowed host, so a link alone must not plant code that runs on Load.
  let linkedModel: string | undefined;
  let proposedModel: ProposedModel | undefined;
  const modelParam = params.get('model');
  if (modelParam) {
    const known = library.entries().find((e) => e.id === modelParam);
    if (known) linkedModel = known.id;
    else {
      try {
        const input = { url: modelParam, libraryUrl: params.get('model_lib') ?? undefined };
        const entry = library.previewCustom(input);
        // Added before (and confirmed then): pointed out like a catalog model, keeping its context window.
        if (library.entries().includes(entry)) linkedModel = entry.id;
        else proposedModel = { input, entry };
      } catch (error) {
        const why = error instanceof CustomModelError ? error.message : String(error);
        notices.push(`The model in the link could not be added. ${why}`);
      }
    }
  }

  await import('./elements/app/app.define.js');
  const app = document.querySelector('aperto-app');
  if (app) {
    app.notices = notices;
    app.linkedModel = linkedModel;
    app.proposedModel = proposedModel;
  }
}

// Keeps the app on this device for offline use; a new version is offered, never forced.
registerServiceWorker();
void start();
