// Entry of dist-lib/aperto.js (see vite.lib.config.ts): registers every element and exports the
// classes, for pages that load Aperto with one <script type="module">. The engines and speech input
// load from chunks beside it when used.
import './define.js';

export * from './index.js';
