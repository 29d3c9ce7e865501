/**
 * The kiosk page's entry (kiosk.html, or the app with `?kiosk`). Reads and checks the URL, picks the
 * engine and the model (falling back to sane defaults with a message for anything unusable), then
 * shows `<aperto-kiosk>`, which loads the model by itself.
 */
import { chooseEngine } from './app/engine-choice.js';
import { parseKioskParams } from './app/kiosk-params.js';
import { recommendedModel } from './engine/catalog.js';
import { CustomModelError, fitEntries } from './engine/model-library.js';
import { deviceReport, initPageEngine, setPageEngineOptions } from './engine/page-engine.js';
import { registerServiceWorker } from './pwa/register.js';

async function start(): Promise<void> {
  const { config, problems } = parseKioskParams(new URL(location.href).searchParams);
  if (config.lang) document.documentElement.lang = config.lang;

  setPageEngineOptions({ contextSize: config.contextSize });
  const report = await deviceReport();
  const page = initPageEngine(chooseEngine(config.engine, report.gpu).kind);
  const fitted = fitEntries(page.library, report);
  const fallback = recommendedModel(fitted) ?? fitted.find((e) => e.fit.fits);

  let modelId: string | undefined;
  const model = config.model;
  if (model?.kind === 'id') {
    if (page.library.entries().some((e) => e.id === model.id)) modelId = model.id;
    else problems.push(`The link’s “model” parameter names “${model.id}”, which is not in the ${page.library.label} catalog. Using ${fallback?.id ?? 'no model'}.`);
  } else if (model?.kind === 'url') {
    try {
      modelId = page.library.addCustom({ url: model.url }).id;
    } catch (error) {
      const why = error instanceof CustomModelError ? error.message : String(error);
      problems.push(`The link’s “model” parameter cannot be used. ${why} Using ${fallback?.id ?? 'no model'}.`);
    }
  }
  modelId ??= fallback?.id;

  await import('./elements/kiosk/kiosk.define.js');
  const kiosk = document.createElement('aperto-kiosk');
  kiosk.config = config;
  kiosk.problems = problems;
  kiosk.modelId = modelId;
  kiosk.page = page;
  document.querySelector('#kiosk-start')?.replaceWith(kiosk);
}

void start();
// The kiosk keeps working with the network off too (both pages are in the service worker's cache).
registerServiceWorker();
