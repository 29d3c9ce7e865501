/**
 * Where wllama's WebAssembly (llama.cpp) comes from: this app's own origin, never a CDN.
 *
 * `new URL(literal, import.meta.url)` is the one form both of our servers understand: Vite turns it
 * into an emitted asset in `vite build` (dist/assets/wllama-<hash>.wasm) and serves the file as is in
 * dev, and @web/test-runner serves the relative path from the project root unchanged.
 *
 * wllama 3.x ships a single build that runs single- or multi-threaded (and on WebGPU) depending on
 * what it is asked for at load time, so there is one file.
 */
import type { AssetsPathConfig } from '@wllama/wllama/esm/index.js';

export const WLLAMA_WASM_URL = new URL('../../../node_modules/@wllama/wllama/esm/wasm/wllama.wasm', import.meta.url).href;

export const wllamaAssets: AssetsPathConfig = { default: WLLAMA_WASM_URL };

/**
 * llama.cpp's threads are Web Workers sharing one WebAssembly memory, which browsers only allow on
 * cross-origin isolated pages (COOP `same-origin` + COEP `require-corp`). Elsewhere: one thread.
 * On small machines every core but one, so the page (rendering the reply, scrolling, typing) keeps a
 * core to itself and does not slow generation down; half the logical cores above four (about one
 * per physical core), and never more than eight.
 */
export function defaultThreadCount(): number {
  if (!globalThis.crossOriginIsolated) return 1;
  const cores = navigator.hardwareConcurrency || 1;
  return Math.max(1, Math.min(8, cores <= 4 ? cores - 1 : Math.floor(cores / 2)));
}

let memory64: boolean | undefined;

/**
 * wllama's build needs WebAssembly 64-bit memory; without it the module cannot even compile.
 * Probed once per page: V8 reserves about 16 GB of address space for every 64-bit memory, even a
 * one-page one, until it is garbage-collected. Probing on every model card's render used to exhaust
 * the tab's address space (60 probes are enough), and the model's own memory then failed with
 * "WebAssembly.Memory(): could not allocate memory" — a load failing now and then, depending on
 * when the garbage collector last ran.
 */
export function supportsWasmMemory64(): boolean {
  if (memory64 === undefined) {
    try {
      new WebAssembly.Memory({ address: 'i64', initial: 1n, maximum: 1n } as unknown as WebAssembly.MemoryDescriptor);
      memory64 = true;
    } catch {
      memory64 = false;
    }
  }
  return memory64;
}
