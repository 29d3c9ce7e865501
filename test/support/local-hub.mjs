/**
 * A stand-in for the Hugging Face hub, served from this machine, so tests exercise web-llm's real
 * download and cache code. It hosts a few small "models" whose files are good, broken or whose
 * host misbehaves, and it logs every request so a test can tell whether something was re-fetched.
 *
 * Layout, like the hub's: /hub/<org>/<model>/resolve/main/<file> and /hub/libs/<library>.wasm.
 * GGUF files for the CPU engine live under /hub/gguf/ (see GGUF_FILES), among them one real model,
 * served from the cache that `npm run fetch-test-model` fills (test-model.mjs).
 */
import { makeSyntheticGguf } from './make-synthetic-gguf.mjs';
import { TEST_MODEL, TEST_MODEL_HUB_FILE, testModelPath, testModelPresent } from './test-model.mjs';

/** Minimal but complete mlc-chat-config.json: web-llm parses it before fetching the library. */
export function chatConfig(name) {
  return {
    model_type: 'llama',
    quantization: 'q4f32_1',
    vocab_size: 32,
    context_window_size: 512,
    sliding_window_size: -1,
    attention_sink_size: -1,
    prefill_chunk_size: 128,
    temperature: 0.7,
    top_p: 0.95,
    repetition_penalty: 1.0,
    frequency_penalty: 0,
    presence_penalty: 0,
    tokenizer_files: ['tokenizer.json'],
    tokenizer_info: { token_postproc_method: 'byte_level', prepend_space_in_encode: false, strip_space_in_decode: false },
    conv_template: {
      name: 'chatml',
      system_template: '<|im_start|>system\n{system_message}<|im_end|>\n',
      system_message: `You are ${name}.`,
      roles: { user: '<|im_start|>user', assistant: '<|im_start|>assistant' },
      role_templates: {},
      seps: ['<|im_end|>\n'],
      role_content_sep: '\n',
      role_empty_sep: '\n',
      stop_str: ['<|im_end|>'],
      stop_token_ids: [2],
      system_prefix_token_ids: [],
      add_role_after_system_message: true,
    },
  };
}

/** The hub's models. `library` names the file under /hub/libs/. */
export const HUB_MODELS = {
  'broken-library': { library: 'broken-library.wasm' },
  'dropping-host': { library: 'dropping-host.wasm' },
  /** Its config is there, its library is not (a 404): a wrong library URL, not a network problem. */
  'missing-library': { library: 'missing-library.wasm' },
  'slow-host': { library: 'slow-host.wasm' },
  /** Its record pins the library's SHA-256, and the hub serves other bytes: a tampered file. */
  'tampered-library': { library: 'tampered-library.wasm', integrity: { model_lib: `sha256-${'A'.repeat(43)}=` } },
};

const BROKEN_LIBRARY = new TextEncoder().encode('<!doctype html><title>Not a WebAssembly module</title>');

export function createLocalHub() {
  const log = [];
  /**
   * Whether gated.gguf downloads go past their first 64 KB (`__gate?open=0|1`), and how many of
   * them still hold a connection.
   */
  const gate = { open: true, active: 0 };

  /** Node http handler; returns false for paths outside /hub/ so a host server can go on. */
  function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://hub.invalid');
    if (!url.pathname.startsWith('/hub/')) return false;
    const path = url.pathname.slice('/hub/'.length);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'no-store');
    // The test pages are cross-origin isolated (COEP: require-corp); hub files must still load.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');

    if (path === '__log') return json(res, log);
    if (path === '__reset') {
      log.length = 0;
      return json(res, { ok: true });
    }
    if (path === '__gate') {
      gate.open = url.searchParams.get('open') !== '0';
      return json(res, gate);
    }
    log.push(`${req.method} /hub/${path}`);

    const model = /^aperto-test\/([^/]+)-q4f32_1-MLC\/resolve\/main\/(.+)$/.exec(path);
    if (model) {
      const [, name, file] = model;
      if (!HUB_MODELS[name]) return notFound(res);
      if (file === 'mlc-chat-config.json') return json(res, chatConfig(name));
      return notFound(res);
    }

    if (path === 'libs/broken-library.wasm' || path === 'libs/tampered-library.wasm') {
      res.writeHead(200, { 'Content-Type': 'application/wasm', 'Content-Length': BROKEN_LIBRARY.length });
      res.end(BROKEN_LIBRARY);
      return true;
    }
    if (path === 'libs/dropping-host.wasm') {
      // Promise a large file, send a little of it, then cut the connection: a drop mid-download.
      res.writeHead(200, { 'Content-Type': 'application/wasm', 'Content-Length': 4 * 1024 * 1024 });
      res.write(new Uint8Array(64 * 1024), () => setTimeout(() => res.socket?.destroy(), 50));
      return true;
    }
    if (path === 'libs/slow-host.wasm') {
      // A crawling download that only ends when the client goes away: for Cancel.
      res.writeHead(200, { 'Content-Type': 'application/wasm', 'Content-Length': 64 * 1024 * 1024 });
      const timer = setInterval(() => res.write(new Uint8Array(1024)), 100);
      res.on('close', () => clearInterval(timer));
      return true;
    }
    const gguf = /^gguf\/([^/]+)$/.exec(path);
    if (gguf) {
      // flaky.gguf drops the first two downloads since the last reset, then serves the model.
      const earlierGets = log.filter((line) => line === `GET /hub/${path}`).length - 1;
      return serveGguf(req, res, gguf[1], { dropNow: gguf[1] === 'flaky.gguf' && earlierGets < 2, gate });
    }
    return notFound(res);
  }

  return { handle, log };
}

/** The GGUF files of the hub, by name under /hub/gguf/; any other name is a 404. */
const GGUF_FILES = {
  /** The synthetic model, at a steady few MB/s so a progress bar has something to show. */
  'synthetic.gguf': 'a tiny llama model that loads and generates',
  /** The synthetic model cut short: header intact, tensor data missing. */
  'truncated.gguf': 'a model file that ends too early',
  /** Random bytes with a .gguf name. */
  'corrupt.gguf': 'not a model at all',
  /** The synthetic model at 10 KB/s: for Cancel. */
  'slow.gguf': 'a crawling download',
  /** Promises the whole model, sends a little, then cuts the connection. */
  'dropping.gguf': 'a connection that drops mid-download',
  /** Sends a little, then nothing, keeping the connection open: a stalled download. */
  'stalling.gguf': 'a download that stops moving',
  /**
   * The synthetic model, held after its first 64 KB while the gate is closed (`__gate?open=0`),
   * then sent at synthetic.gguf's pace: a download that is surely in progress when a test acts.
   */
  'gated.gguf': 'a download held mid-way until the test lets it go on',
  /** Drops like dropping.gguf twice after each reset, then serves the synthetic model. */
  'flaky.gguf': 'a connection that drops, then recovers',
  /** SmolLM2-135M-Instruct (Q4_1), read from the test-model cache at full speed; a 404 until fetched. */
  [TEST_MODEL_HUB_FILE]: 'a real open-weight model',
};

let ggufBytes;
/** Made on first use (a few milliseconds), then kept in memory: the same bytes for every request. */
function syntheticBytes() {
  ggufBytes ??= makeSyntheticGguf();
  return ggufBytes;
}

function garbage(length) {
  const bytes = new Uint8Array(length);
  let state = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

function serveGguf(req, res, name, { dropNow = false, gate = { open: true, active: 0 } } = {}) {
  if (!Object.hasOwn(GGUF_FILES, name)) return notFound(res);
  if (name === TEST_MODEL_HUB_FILE) return serveTestModel(req, res);
  const model = syntheticBytes();
  const body =
    name === 'truncated.gguf'
      ? model.subarray(0, Math.floor(model.length * 0.6))
      : name === 'corrupt.gguf'
        ? garbage(64 * 1024)
        : model;
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  if (name === 'truncated.gguf' || name === 'corrupt.gguf') {
    res.end(body);
    return true;
  }
  if (name === 'stalling.gguf') {
    res.write(body.subarray(0, 64 * 1024));
    return true;
  }
  if (name === 'dropping.gguf' || dropNow) {
    res.write(body.subarray(0, 64 * 1024), () => setTimeout(() => res.socket?.destroy(), 50));
    return true;
  }
  const [chunkSize, everyMs] = name === 'slow.gguf' ? [1024, 100] : [32 * 1024, 10];
  let offset = 0;
  if (name === 'gated.gguf') {
    // Counted until the connection ends, finished or dropped: a page left mid-download must drop it.
    gate.active++;
    res.on('close', () => gate.active--);
    offset = 64 * 1024;
    res.write(body.subarray(0, offset));
  }
  const timer = setInterval(() => {
    if (name === 'gated.gguf' && !gate.open) return;
    const end = Math.min(offset + chunkSize, body.length);
    res.write(body.subarray(offset, end));
    offset = end;
    if (offset >= body.length) {
      clearInterval(timer);
      res.end();
    }
  }, everyMs);
  res.on('close', () => clearInterval(timer));
  return true;
}

/**
 * The real model, streamed from disk (98 MB is not worth holding in memory for every test server),
 * with the same headers as the synthetic files. Missing, it is a 404 that says how to get it, which
 * is what a test that needs it will show.
 */
function serveTestModel(req, res) {
  if (!testModelPresent()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end(`${TEST_MODEL.file} is not on this machine: run \`npm run fetch-test-model\` to put it in ${testModelPath()}.`);
    return true;
  }
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': TEST_MODEL.bytes });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  // Browser tests import this module too (hubModelRecords), so Node's fs is fetched only here.
  const file = globalThis.process.getBuiltinModule('node:fs').createReadStream(testModelPath());
  file.on('error', () => res.socket?.destroy());
  res.on('close', () => file.destroy());
  file.pipe(res);
  return true;
}

function json(res, body) {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}

function notFound(res) {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('Entry not found');
  return true;
}

/** The records web-llm needs for the hub's models, with absolute URLs under `hubBase`. */
export function hubModelRecords(hubBase) {
  return Object.entries(HUB_MODELS).map(([name, { library, integrity }]) => ({
    ...(integrity ? { integrity } : {}),
    model_id: `aperto-test-${name}-q4f32_1-MLC`,
    model: new URL(`aperto-test/${name}-q4f32_1-MLC`, hubBase).href,
    model_lib: new URL(`libs/${library}`, hubBase).href,
    vram_required_MB: 64,
    low_resource_required: true,
    overrides: { context_window_size: 512 },
  }));
}
