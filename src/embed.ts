// Entry of the single-file bundle (dist-lib/aperto.js, see vite.lib.config.ts): registers every
// element and exports the classes, for pages that load Aperto with one <script type="module">.
import './define.js';

export * from './index.js';
