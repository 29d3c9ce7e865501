/**
 * A tiny, real llama-architecture model in GGUF v3, made on the spot so tests can run llama.cpp
 * (through wllama) end to end without downloading weights: random F32 weights from a fixed seed,
 * a GPT-2 style byte-level BPE vocabulary with merges, the ChatML special tokens and a ChatML chat
 * template. It generates gibberish, quickly, and always the same gibberish for the same seed.
 *
 * Two things keep the gibberish safe to stream:
 * - Only printable ASCII, newline and the merged tokens can be sampled. Lone bytes ≥ 0x80 would
 *   make invalid UTF-8 (wllama then fails with nothing but "RangeError: Invalid typed array
 *   length"), and control bytes and special tokens would make unreadable or early-ending replies.
 *   Channel 0 of every embedding is a constant that no layer writes to (the rows for channel 0 of
 *   attn_output and ffn_down are zero), so after the final RMS norm it is always positive; the
 *   output rows of the banned tokens are very negative on that channel and zero elsewhere.
 * - As <|im_end|> can never be sampled either, a reply always runs to max_tokens unless it is
 *   interrupted, which makes "stopped early" observable.
 *
 * The GGUF container is written by hand (magic, version, counts, key/values, tensor infos, data
 * aligned to 32 bytes): the npm GGUF packages parse files or rewrite metadata of existing ones, but
 * none writes tensor infos and data. Spec: ggml's docs/gguf.md.
 *
 * CLI: `node test/support/make-synthetic-gguf.mjs out.gguf` writes the file. The module itself
 * imports nothing from Node, so browser tests can import it (and local-hub.mjs, which uses it).
 */

export const SYNTHETIC_DEFAULTS = Object.freeze({
  seed: 20240611,
  embeddingLength: 64,
  blockCount: 2,
  feedForwardLength: 128,
  headCount: 4,
  contextLength: 512,
});

// GGUF metadata value types.
const UINT32 = 4;
const FLOAT32 = 6;
const BOOL = 7;
const STRING = 8;
const ARRAY = 9;
const INT32 = 5;
// ggml tensor type F32.
const GGML_F32 = 0;
const ALIGNMENT = 32;

const TOKEN_NORMAL = 1;
const TOKEN_CONTROL = 3;

/** Common English pieces, so ordinary prompts tokenize into more than single bytes. */
const MERGED_PIECES = [
  'th', 'he', 'in', 'er', 'an', 're', 'on', 'at', 'en', 'es', 'or', 'ing', 'ed',
  ' t', ' a', ' s', ' w', ' o', ' the', ' and', ' to', ' of', ' in', ' is', ' it', ' you',
  ' that', ' for', ' with', ' this', ' model', ' token', ' open', ' browser', ' hello', ' world',
];

export const SPECIAL_TOKENS = Object.freeze(['<|endoftext|>', '<|im_start|>', '<|im_end|>']);

export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** GPT-2's reversible byte → printable character map (bytes_to_unicode). */
function byteToUnicode() {
  const printable = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const map = new Array(256);
  for (const b of printable) map[b] = String.fromCodePoint(b);
  let extra = 0;
  for (let b = 0; b < 256; b++) if (map[b] === undefined) map[b] = String.fromCodePoint(256 + extra++);
  return map;
}

/** The vocabulary: 256 byte tokens (id = byte), merged pieces, then the special tokens. */
export function syntheticVocabulary() {
  const byteChar = byteToUnicode();
  const tokens = byteChar.slice();
  const types = new Array(256).fill(TOKEN_NORMAL);
  const sampleable = new Array(256).fill(false);
  for (let b = 0x20; b <= 0x7e; b++) sampleable[b] = true;
  sampleable[0x0a] = true;

  const merges = [];
  const known = new Set(tokens);
  for (const piece of MERGED_PIECES) {
    const chars = [...new TextEncoder().encode(piece)].map((b) => byteChar[b]);
    let left = chars[0];
    for (const right of chars.slice(1)) {
      const merged = left + right;
      if (!known.has(merged)) {
        merges.push(`${left} ${right}`);
        known.add(merged);
        tokens.push(merged);
        types.push(TOKEN_NORMAL);
        sampleable.push(true);
      }
      left = merged;
    }
  }
  for (const special of SPECIAL_TOKENS) {
    tokens.push(special);
    types.push(TOKEN_CONTROL);
    sampleable.push(false);
  }
  return { tokens, types, merges, sampleable };
}

/** mulberry32: small, fast and the same everywhere. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class ByteWriter {
  chunks = [];
  length = 0;
  push(bytes) {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  u32(value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value, true);
    this.push(b);
  }
  i32(value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, value, true);
    this.push(b);
  }
  u64(value) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(value), true);
    this.push(b);
  }
  f32(value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
  }
  string(text) {
    const bytes = new TextEncoder().encode(text);
    this.u64(bytes.length);
    this.push(bytes);
  }
  padTo(alignment) {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad) this.push(new Uint8Array(pad));
  }
  bytes() {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

const kv = {
  string: (value) => ({ type: STRING, value }),
  u32: (value) => ({ type: UINT32, value }),
  i32: (value) => ({ type: INT32, value }),
  f32: (value) => ({ type: FLOAT32, value }),
  bool: (value) => ({ type: BOOL, value }),
  strings: (value) => ({ type: ARRAY, itemType: STRING, value }),
  i32s: (value) => ({ type: ARRAY, itemType: INT32, value }),
};

function writeValue(out, type, value) {
  if (type === STRING) out.string(value);
  else if (type === UINT32) out.u32(value);
  else if (type === INT32) out.i32(value);
  else if (type === FLOAT32) out.f32(value);
  else if (type === BOOL) out.push(new Uint8Array([value ? 1 : 0]));
  else throw new Error(`Unsupported GGUF value type ${type}`);
}

/**
 * The bytes of the synthetic model. Options override SYNTHETIC_DEFAULTS; the same options always
 * give the same bytes.
 * @param {Partial<typeof SYNTHETIC_DEFAULTS>} [options]
 * @returns {Uint8Array}
 */
export function makeSyntheticGguf(options = {}) {
  const p = { ...SYNTHETIC_DEFAULTS, ...options };
  const random = prng(p.seed);
  const uniform = (scale) => (random() * 2 - 1) * scale;
  const { tokens, types, merges, sampleable } = syntheticVocabulary();
  const vocab = tokens.length;
  const embd = p.embeddingLength;
  const ff = p.feedForwardLength;
  const eos = tokens.indexOf('<|im_end|>');
  const bos = tokens.indexOf('<|endoftext|>');

  /** Rows of `cols` floats; `row(r, c)` gives each value. ggml stores ne0 = cols contiguous. */
  const matrix = (rows, cols, value) => {
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = value(r, c);
    return data;
  };
  const ones = (n) => new Float32Array(n).fill(1);

  /** name, ne (ne0 first), data */
  const tensors = [];
  const add = (name, ne, data) => tensors.push({ name, ne, data });

  // Channel 0 is the constant that carries the "never sample this token" signal to the output.
  add('token_embd.weight', [embd, vocab], matrix(vocab, embd, (_t, c) => (c === 0 ? 1 : uniform(1))));
  for (let layer = 0; layer < p.blockCount; layer++) {
    const blk = `blk.${layer}`;
    add(`${blk}.attn_norm.weight`, [embd], ones(embd));
    add(`${blk}.attn_q.weight`, [embd, embd], matrix(embd, embd, () => uniform(0.3)));
    add(`${blk}.attn_k.weight`, [embd, embd], matrix(embd, embd, () => uniform(0.3)));
    add(`${blk}.attn_v.weight`, [embd, embd], matrix(embd, embd, () => uniform(0.3)));
    add(`${blk}.attn_output.weight`, [embd, embd], matrix(embd, embd, (out) => (out === 0 ? 0 : uniform(0.3))));
    add(`${blk}.ffn_norm.weight`, [embd], ones(embd));
    add(`${blk}.ffn_gate.weight`, [embd, ff], matrix(ff, embd, () => uniform(0.3)));
    add(`${blk}.ffn_up.weight`, [embd, ff], matrix(ff, embd, () => uniform(0.3)));
    add(`${blk}.ffn_down.weight`, [ff, embd], matrix(embd, ff, (out) => (out === 0 ? 0 : uniform(0.3))));
  }
  add('output_norm.weight', [embd], ones(embd));
  add(
    'output.weight',
    [embd, vocab],
    matrix(vocab, embd, (t, c) => {
      if (!sampleable[t]) return c === 0 ? -1000 : 0;
      return c === 0 ? 0 : uniform(1);
    }),
  );

  const metadata = {
    'general.architecture': kv.string('llama'),
    'general.name': kv.string('Aperto synthetic test model'),
    'general.file_type': kv.u32(0),
    'general.alignment': kv.u32(ALIGNMENT),
    'llama.context_length': kv.u32(p.contextLength),
    'llama.embedding_length': kv.u32(embd),
    'llama.block_count': kv.u32(p.blockCount),
    'llama.feed_forward_length': kv.u32(ff),
    'llama.attention.head_count': kv.u32(p.headCount),
    'llama.attention.head_count_kv': kv.u32(p.headCount),
    'llama.attention.layer_norm_rms_epsilon': kv.f32(1e-5),
    'llama.rope.freq_base': kv.f32(10000),
    'llama.vocab_size': kv.u32(vocab),
    'tokenizer.ggml.model': kv.string('gpt2'),
    'tokenizer.ggml.pre': kv.string('gpt-2'),
    'tokenizer.ggml.tokens': kv.strings(tokens),
    'tokenizer.ggml.token_type': kv.i32s(types),
    'tokenizer.ggml.merges': kv.strings(merges),
    'tokenizer.ggml.bos_token_id': kv.u32(bos),
    'tokenizer.ggml.eos_token_id': kv.u32(eos),
    'tokenizer.ggml.padding_token_id': kv.u32(bos),
    'tokenizer.ggml.add_bos_token': kv.bool(false),
    'tokenizer.chat_template': kv.string(CHATML_TEMPLATE),
  };

  const out = new ByteWriter();
  out.push(new TextEncoder().encode('GGUF'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(Object.keys(metadata).length);
  for (const [key, { type, itemType, value }] of Object.entries(metadata)) {
    out.string(key);
    out.u32(type);
    if (type === ARRAY) {
      out.u32(itemType);
      out.u64(value.length);
      for (const item of value) writeValue(out, itemType, item);
    } else {
      writeValue(out, type, value);
    }
  }
  let dataOffset = 0;
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.u32(tensor.ne.length);
    for (const n of tensor.ne) out.u64(n);
    out.u32(GGML_F32);
    out.u64(dataOffset);
    tensor.offset = dataOffset;
    dataOffset += Math.ceil(tensor.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  out.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    out.push(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    out.padTo(ALIGNMENT);
  }
  return out.bytes();
}

const runAsCli = typeof process !== 'undefined' && !!process.argv?.[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'));
if (runAsCli) {
  const [{ writeFileSync }, { resolve }, { fileURLToPath }] = await Promise.all([
    import('node:fs'),
    import('node:path'),
    import('node:url'),
  ]);
  if (resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    const target = process.argv[2];
    if (!target) {
      console.error('Usage: node test/support/make-synthetic-gguf.mjs <out.gguf>');
      process.exit(2);
    }
    const bytes = makeSyntheticGguf();
    writeFileSync(target, bytes);
    console.log(`Wrote ${bytes.length} bytes to ${target}`);
  }
}
