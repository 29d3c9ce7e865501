// The page's own script in examples/embed.html: one listener per event on the document hears every
// element, because every aperto-* event bubbles out of the shadow DOM.
const log = document.getElementById('events');
const show = (text) => (log.textContent = text);
document.addEventListener('aperto-progress', (e) => show(`loading ${e.detail.modelId}: ${Math.round(e.detail.progress * 100)} %`));
document.addEventListener('aperto-ready', (e) => show(`${e.detail.modelId} is ready (${e.detail.engine})`));
document.addEventListener('aperto-message', (e) => show(`reply: ${e.detail.content.slice(0, 80)}`));
document.addEventListener('aperto-caption', (e) => e.detail.final && show(`caption: ${e.detail.translation}`));
document.addEventListener('aperto-error', (e) => show(`error (${e.detail.code}): ${e.detail.message}`));
