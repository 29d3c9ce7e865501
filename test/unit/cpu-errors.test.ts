/**
 * explainCpuError turns what wllama (llama.cpp in WebAssembly) throws into messages a person can
 * act on. The raw texts below are shaped like wllama 3.8's own: `Failed to fetch <url>: HTTP <n>`
 * from its downloader, `RuntimeError: (ABORT) …` (a WllamaRuntimeError) when llama.cpp aborts,
 * `Invalid model URL: …` from its model manager.
 */
import { describe, expect, it } from 'vitest';
import { explainCpuError, noMemory64Error, type CpuStage } from '../../src/engine/cpu/cpu-errors.js';
import { engineError, type EngineError } from '../../src/engine/errors.js';

const URL_ = 'https://huggingface.co/someone/some-model-GGUF/resolve/main/some-model-Q4_K_M.gguf';

/** An error as thrown by wllama: an Error whose name is part of what it says. */
function thrown(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** What a person reads: the message and the next step, never the details disclosure. */
function visible(error: EngineError): string {
  return `${error.message} ${error.hint}`;
}

describe('explainCpuError', () => {
  describe('when the host answers with an HTTP error', () => {
    it('says there is no model file at the address for a 404, naming the address', () => {
      const error = explainCpuError(thrown('Error', `Failed to fetch ${URL_}: HTTP 404`), 'download', URL_);

      expect(error.code).toBe('model-not-found');
      expect(error.message).toContain(URL_);
      expect(error.message).toContain('404');
    });

    it('treats a 410 (gone) like a missing file', () => {
      const error = explainCpuError(thrown('Error', `Failed to fetch ${URL_}: HTTP 410`), 'download', URL_);

      expect(error.code).toBe('model-not-found');
      expect(error.message).toContain('410');
    });

    it.each(['401', '403'])('says the host refused to send the file for a %s, suggesting it may be gated', (status) => {
      const error = explainCpuError(thrown('Error', `Failed to fetch ${URL_}: HTTP ${status}`), 'download', URL_);

      expect(error.code).toBe('model-not-found');
      expect(error.message).toMatch(/refused/);
      expect(error.message).toContain(URL_);
      expect(error.hint).toMatch(/gated or private/);
    });

    it('reports a server failure (HTTP 503) as a network problem with its status', () => {
      const error = explainCpuError(thrown('Error', `Failed to fetch ${URL_}: HTTP 503`), 'download', URL_);

      expect(error.code).toBe('network');
      expect(error.message).toContain('HTTP 503');
    });

    it('keeps the raw text as the detail for bug reports', () => {
      const error = explainCpuError(thrown('Error', `Failed to fetch ${URL_}: HTTP 404`), 'download', URL_);

      expect(error.detail).toBe(`Error: Failed to fetch ${URL_}: HTTP 404`);
    });

    it('still reads sensibly without an address', () => {
      const error = explainCpuError(thrown('Error', 'Failed to fetch: HTTP 404'), 'download');

      expect(error.message).toBe('There is no model file (HTTP 404).');
    });
  });

  describe('when the file is not a model llama.cpp can read', () => {
    it.each<[string, unknown]>([
      ['llama.cpp aborting on invalid magic characters', thrown('RuntimeError', '(ABORT) native code called abort() (llama.cpp: gguf_init_from_file_impl: invalid magic characters)')],
      ['tensor data past the end of a truncated file', thrown('RuntimeError', "(ABORT) exit(1) (llama.cpp: tensor 'output.weight' data is not within the file bounds)")],
      ['a typed array of impossible length', thrown('RangeError', 'Invalid typed array length: 4294967296')],
      ['wllama answering without a context', thrown('Error', 'llama.cpp could not load the model: no reason given')],
    ])('calls the file damaged after %s at load time', (_what, raw) => {
      const error = explainCpuError(raw, 'load', URL_);

      expect(error.code).toBe('bad-model-file');
      expect(error.message).toMatch(/damaged|incomplete|not a model/);
    });

    it('says a URL that does not end in .gguf is not a model file, naming it', () => {
      const url = 'https://example.com/model.bin';

      const error = explainCpuError(thrown('Error', `Invalid model URL: ${url}; URL must ends with .gguf`), 'download', url);

      expect(error.code).toBe('bad-model-file');
      expect(error.message).toBe(`The address ${url} does not end in .gguf, so it is not a model file this engine can read.`);
    });
  });

  describe('when the connection fails', () => {
    it.each([
      ['the browser failing the request', thrown('TypeError', 'Failed to fetch')],
      ['the connection dropping mid-body', thrown('TypeError', 'network error')],
    ])('reports a network problem for %s during the download', (_what, raw) => {
      const error = explainCpuError(raw, 'download', URL_);

      expect(error.code).toBe('network');
      expect(error.message).toMatch(/connection|could not be reached/);
    });
  });

  describe('when the conversation is too long', () => {
    it('says the chat exceeds the context window when llama.cpp says so while replying', () => {
      const raw = thrown('WllamaError', 'the number of tokens (5000) exceeds the available context size (4096)');

      const error = explainCpuError(raw, 'chat', URL_);

      expect(error.code).toBe('context-window');
      expect(error.hint).toMatch(/new chat/i);
    });

    it('does not blame the context window for a context warning while loading', () => {
      const raw = thrown('RuntimeError', '(ABORT) exit(1) (llama.cpp: n_ctx_per_seq (4096) < n_ctx_train (32768))');

      const error = explainCpuError(raw, 'load', URL_);

      expect(error.code).toBe('bad-model-file');
    });
  });

  describe('other failures', () => {
    it('says the model does not fit in memory when allocation fails', () => {
      const error = explainCpuError(thrown('RangeError', 'Array buffer allocation failed'), 'load', URL_);

      expect(error.code).toBe('out-of-memory');
      expect(error.message).toMatch(/does not fit in the memory/);
      expect(error.hint).toMatch(/smaller model/);
    });

    it('says the browser has no file storage when OPFS is missing', () => {
      const error = explainCpuError(thrown('Error', 'No supported storage backend found'), 'download', URL_);

      expect(error.code).toBe('quota');
      expect(error.message).toMatch(/OPFS/);
    });

    it('reports a cancelled load as cancelled, not as a damaged file', () => {
      const error = explainCpuError(thrown('AbortError', 'Operation aborted'), 'load', URL_);

      expect(error.code).toBe('aborted');
    });

    it("blames wllama's own WebAssembly, not the model file, when it fails to compile", () => {
      const raw = thrown('CompileError', 'WebAssembly.instantiate(): expected magic word 00 61 73 6d, found 3c 21 44 4f @+0');

      const error = explainCpuError(raw, 'load', URL_);

      expect(error.code).toBe('bad-model-library');
    });

    it('says the model stopped unexpectedly when llama.cpp crashes while replying', () => {
      const error = explainCpuError(thrown('RuntimeError', '(ABORT) native code called abort()'), 'chat', URL_);

      expect(error.code).toBe('unknown');
      expect(error.message).toBe('The model stopped unexpectedly while writing the reply.');
      expect(error.hint).toMatch(/Reload model/);
    });

    it('says the model stopped unexpectedly when wllama has crashed before a reply', () => {
      const error = explainCpuError('wllama has crashed, please reload the module', 'chat', URL_);

      expect(error.message).toBe('The model stopped unexpectedly while writing the reply.');
    });

    it('passes an error that is already explained through unchanged', () => {
      const explained = engineError('shader-f16');

      expect(explainCpuError(explained, 'load', URL_)).toBe(explained);
    });
  });

  it.each<[string, unknown, CpuStage]>([
    ['an abort while loading', thrown('RuntimeError', '(ABORT) native code called abort()'), 'load'],
    ['an abort while replying', thrown('RuntimeError', '(ABORT) native code called abort()'), 'chat'],
    ['an exit while loading', thrown('RuntimeError', '(ABORT) exit(1)'), 'load'],
    ['a crash with no message while downloading', thrown('RuntimeError', '(unknown error)'), 'download'],
    ['a WebAssembly trap while replying', thrown('RuntimeError', 'memory access out of bounds'), 'chat'],
    ['an unreachable trap while loading', thrown('RuntimeError', 'unreachable'), 'load'],
  ])('never shows “RuntimeError” or “ABORT” to the person after %s', (_what, raw, stage) => {
    const error = explainCpuError(raw, stage, URL_);

    expect(visible(error)).not.toMatch(/RuntimeError|ABORT/);
  });
});

describe('noMemory64Error', () => {
  it('says the browser lacks 64-bit WebAssembly memory and suggests another browser', () => {
    const error = noMemory64Error();

    expect(error.message).toMatch(/64-bit memory/);
    expect(error.hint).toMatch(/Chrome|Firefox/);
  });
});
