/**
 * Build rules shared by the app (vite.config.ts) and the library (vite.lib.config.ts).
 */
import { readFileSync } from 'node:fs';

/**
 * vad-web's MicVAD finds its AudioWorklet and its Silero model by appending their file names to one
 * folder URL, so in the build the two keep their own names, side by side, in a folder named after
 * the vad-web version (a new version gets new URLs, so no cache serves old files). The worklet is
 * under Vite's inline limit, and a data: URL has no folder, so it is never inlined.
 * src/translate/audio/vad-assets.ts references both and checks at run time that they line up.
 */
export const VAD_WEB_FILES = /(?:^|[\\/])(?:silero_vad_v5\.onnx|vad\.worklet\.bundle\.min\.js)$/;
export const vadWebVersion: string = JSON.parse(
  readFileSync(new URL('./node_modules/@ricky0123/vad-web/package.json', import.meta.url), 'utf8'),
).version;

/** For `build.assetsInlineLimit`: never inline vad-web's files, Vite's default for the rest. */
export const assetsInlineLimit = (file: string): boolean | undefined => (VAD_WEB_FILES.test(file) ? false : undefined);

/** For `output.assetFileNames`: vad-web's files under their own names in one folder, the rest hashed. */
export const assetFileNames = (asset: { names: readonly string[] }): string =>
  asset.names.some((name) => VAD_WEB_FILES.test(name)) ? `assets/vad-web-${vadWebVersion}/[name][extname]` : 'assets/[name]-[hash][extname]';

/**
 * The libraries a page loads on use, under their own names (web-llm-<hash>.js, wllama-<hash>.js)
 * rather than after a file inside them ("lib", "esm"), so a site owner and the network panel can
 * tell what each chunk is.
 */
const LIBRARY_CHUNKS: ReadonlyArray<readonly [name: string, folder: string]> = [
  ['web-llm', '/node_modules/@mlc-ai/web-llm/'],
  ['wllama', '/node_modules/@wllama/wllama/'],
];

/** For `output.chunkFileNames`: `${folder}/web-llm-[hash].js` for a library's chunk, else `${folder}/[name]-[hash].js`. */
export const chunkFileNamesIn =
  (folder: string) =>
  (chunk: { facadeModuleId: string | null }): string => {
    const library = LIBRARY_CHUNKS.find(([, path]) => chunk.facadeModuleId?.replaceAll('\\', '/').includes(path));
    return `${folder}/${library ? library[0] : '[name]'}-[hash].js`;
  };

/**
 * The workers' builds: web-llm in a chunk of its own, the same file for both GPU model workers (the
 * dedicated one and the one every tab shares, workers/llm-shared.worker.ts), so the app and the
 * package ship it, and the service worker precaches it, once (6.1 MB, not twice).
 */
export const workerOutput = {
  advancedChunks: { groups: [{ name: 'web-llm-runtime', test: /[\\/]@mlc-ai[\\/]web-llm[\\/]/ }] },
};
