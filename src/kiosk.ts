/**
 * The kiosk page's entry (kiosk.html, or the app with `?kiosk`). Reads and checks the URL, reads
 * the site owner's kiosk.json, picks the engine and the model (falling back to sane defaults with a
 * message for anything unusable), and decides whether the model may start by itself
 * (app/kiosk-start.ts); then shows `<aperto-kiosk>`.
 */
import { chooseEngine } from './app/engine-choice.js';
import { parseKioskParams } from './app/kiosk-params.js';
import { loadKioskSiteConfig } from './app/kiosk-site.js';
import { planKioskStart } from './app/kiosk-start.js';
import { checkModel } from './app/parameters.js';
import { recommendedModel } from './engine/catalog.js';
import { CustomModelError, fitEntries, refuseBlockedHosts, type ModelLibrary } from './engine/model-library.js';
import { deviceReport, existingPageEngine, initPageEngine, setPageEngineOptions } from './engine/page-engine.js';
import { releasePageEngineOnLeave } from './engine/page-leave.js';
import { RemoteModelLibrary } from './engine/remote/remote-library.js';
import { registerServiceWorker } from './pwa/register.js';

/**
 * The library's id for a model reference, adding a model URL to it; a sentence when it cannot (also
 * when the site's policy refuses the model's host, which would fail every download).
 */
async function resolveModel(library: ModelLibrary, reference: string): Promise<{ id?: string; problem?: string }> {
  const checked = checkModel(reference, 'attribute');
  const model = checked.value;
  if (model?.kind === 'id') {
    return library.entries().some((e) => e.id === model.id) ? { id: model.id } : { problem: `“${model.id}” is not in the ${library.label} catalog.` };
  }
  if (model?.kind === 'url') {
    try {
      const input = { url: model.url };
      const entry = library.previewCustom(input);
      if (!library.entries().includes(entry)) await refuseBlockedHosts(entry);
      return { id: library.addCustom(input).id };
    } catch (error) {
      return { problem: error instanceof CustomModelError ? error.message : String(error) };
    }
  }
  return { problem: 'It is neither a catalog id nor a model URL.' };
}

async function start(): Promise<void> {
  const { config, problems } = parseKioskParams(new URL(location.href).searchParams);
  if (config.lang) document.documentElement.lang = config.lang;

  setPageEngineOptions({ contextSize: config.contextSize });
  // The site's settings come from a file at a fixed place beside the page, never from the link.
  const [report, site] = await Promise.all([deviceReport(), loadKioskSiteConfig(new URL(`${import.meta.env.BASE_URL}kiosk.json`, location.href))]);
  problems.push(...site.problems);
  // The owner's server (never the link's): the kiosk runs there unless the link asks for this device's engines.
  const server = site.config.server;
  const onServer = server !== undefined && (config.engine === 'auto' || config.engine === 'remote');
  if (config.engine === 'remote' && !server) {
    problems.push('The link asks for the remote engine, but this kiosk has no server (its owner sets APERTO_KIOSK_SERVER); models run on this device.');
  }
  if (onServer) setPageEngineOptions({ contextSize: config.contextSize, remote: { server: { baseUrl: server } } });
  const page = initPageEngine(onServer ? 'remote' : chooseEngine(config.engine === 'remote' ? 'auto' : config.engine, report.gpu).kind);
  const { library } = page;
  if (library instanceof RemoteModelLibrary) {
    await library.refresh(AbortSignal.timeout(10_000));
    if (library.problem) problems.push(`${library.problem.message} ${library.problem.hint}`);
  }

  let linked: string | undefined;
  if (config.model) {
    const reference = config.model.kind === 'id' ? config.model.id : config.model.url;
    const resolved = await resolveModel(library, reference);
    linked = resolved.id;
    if (resolved.problem) problems.push(`The link’s “model” parameter cannot be used. ${resolved.problem}`);
  }
  // The owner may name a model for each engine; only one that this engine knows is a problem.
  // One after another, in the owner's order, as the first one this engine knows is the kiosk's model.
  const configured: Array<{ id?: string; problem?: string }> = [];
  for (const reference of site.config.models) configured.push(await resolveModel(library, reference));
  if (configured.length && !configured.some((c) => c.id)) {
    problems.push(`None of the site’s kiosk models can be used on the ${library.label} engine. ${configured.map((c) => c.problem).join(' ')}`);
  }

  const fitted = fitEntries(library, report);
  const stored = await library.listStored().catch(() => []);
  const plan = planKioskStart({
    linked,
    configured: configured.flatMap((c) => (c.id ? [c.id] : [])),
    fitted,
    stored: new Set(stored.filter((s) => s.complete).flatMap((s) => s.modelIds)),
    recommended: recommendedModel(fitted),
  });
  problems.push(...plan.problems);

  await import('./elements/kiosk/kiosk.define.js');
  const kiosk = document.createElement('aperto-kiosk');
  kiosk.config = config;
  kiosk.problems = problems;
  kiosk.start = plan.start;
  kiosk.pin = site.config.pin;
  kiosk.page = page;
  document.querySelector('#kiosk-start')?.replaceWith(kiosk);
}

// A page left mid-load must not keep its download, files and worker open in the back/forward cache.
releasePageEngineOnLeave(existingPageEngine);
void start();
// The kiosk keeps working with the network off too (both pages are in the service worker's cache).
registerServiceWorker();
