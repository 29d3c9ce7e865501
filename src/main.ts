/**
 * The app page's entry. Before any element exists it settles which engine runs models (the link's
 * `engine=`, else the saved choice, else what the device can do), restores models added by URL, and
 * takes a `model=<url>` from the link; then it defines the elements.
 */
import { chooseEngine, parseEnginePreference } from './app/engine-choice.js';
import { CustomModelError } from './engine/model-library.js';
import { deviceReport, initPageEngine, setPageEngineOptions } from './engine/page-engine.js';
import { checkContext } from './app/parameters.js';
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

  for (const model of await settings.customModels()) {
    if (model.engine !== library.kind) continue;
    try {
      library.addCustom(model);
    } catch {
      // A saved entry that no longer validates is skipped, not fatal.
    }
  }

  let linkedModel: string | undefined;
  const modelParam = params.get('model');
  if (modelParam) {
    const known = library.entries().find((e) => e.id === modelParam);
    if (known) linkedModel = known.id;
    else {
      try {
        const input = { url: modelParam, libraryUrl: params.get('model_lib') ?? undefined };
        const entry = library.addCustom(input);
        linkedModel = entry.id;
        const saved = {
          engine: library.kind,
          url: entry.modelUrl,
          ...(entry.libraryUrl ? { libraryUrl: entry.libraryUrl } : {}),
          // A model added before keeps the context window chosen for it.
          ...(entry.engine === 'webgpu' ? { contextWindow: entry.contextWindow } : {}),
        };
        await settings.addCustomModel(saved).catch(() => undefined);
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
  }
}

// Keeps the app on this device for offline use; a new version is offered, never forced.
registerServiceWorker();
void start();
