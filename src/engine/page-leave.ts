/**
 * What a page does with its model when the person leaves it.
 *
 * A page left by a navigation (a link, a new address, Back) is not always closed: Chromium may keep
 * it frozen in the back/forward cache, to show it again at once on Back. Frozen, it keeps all it had
 * open: a model download (its connection to the model host, of which the browser allows six per
 * host, so the seventh page left mid-download made the next page's download wait until its stall
 * timer gave up, 30 s), the file that download was writing in the Origin Private File System,
 * the model worker and its memory (hundreds of MB to GB per page). Nothing of it would ever be used
 * again. So on leaving, a page with a model loading or loaded lets go of it (downloads aborted,
 * workers terminated), and if the browser shows that page again it starts afresh, as on any visit
 * (the last model loads by itself again when it is stored here). A page that is closed for good
 * frees all of that by itself; this only matters for one kept frozen.
 */
import type { PageEngine } from './page-engine.js';

/** `findEngine` gives the page's engine if it has one (page-engine.ts: existingPageEngine). */
export function releasePageEngineOnLeave(findEngine: () => PageEngine | undefined, target: Window = window): void {
  let released = false;
  target.addEventListener('pagehide', (event) => {
    // Not persisted: the page is being discarded, and the browser frees everything it held.
    if (!event.persisted) return;
    const page = findEngine();
    if (!page || page.store.state.status === 'idle') return;
    page.recovery.stop();
    page.engine.dispose();
    released = true;
  });
  target.addEventListener('pageshow', (event) => {
    // Shown again from the back/forward cache without its model: start as a new visit would.
    if (event.persisted && released) target.location.reload();
  });
}
