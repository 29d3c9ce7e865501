/**
 * A real OpenAI-compatible server for the remote engine's tests: llama-cpp-python's server
 * (installed by `npm run fetch-test-server`) serving the real test model on 127.0.0.1.
 *
 *   const server = await startLlamaServer({ apiKey: 'secret', corsOrigins: ['http://127.0.0.1:4173'] });
 *   server.baseUrl   // http://127.0.0.1:PORT/v1
 *   server.kill()    // SIGKILL: the server gone mid-reply, as a crash or a pulled cable leaves it
 *   await server.stop()
 *
 * `corsOrigins` restricts which browser origins may read its answers (llama-cpp-python allows every
 * origin and has no setting for it; llama_server_cors.py swaps in a restricted CORS middleware, the
 * server otherwise the same).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testModelPath } from './test-model.mjs';

export const LLAMA_CPP_PYTHON_VERSION = '0.3.16';
export const LLAMA_CPP_PYTHON = `llama-cpp-python[server]==${LLAMA_CPP_PYTHON_VERSION}`;
/** The id the server lists the test model under. */
export const SERVED_MODEL_ID = 'smollm2-135m-instruct';

const cacheRoot = () => join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aperto');
export const wheelsDir = () => join(cacheRoot(), 'wheels');
export const venvDir = () => join(cacheRoot(), 'llama-venv');
export const serverPython = () => join(venvDir(), 'bin', 'python');

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export async function startLlamaServer({ apiKey, corsOrigins } = {}) {
  if (!existsSync(serverPython())) throw new Error(`${LLAMA_CPP_PYTHON} is not installed: run npm run fetch-test-server.`);
  const port = await freePort();
  const flags = [
    '--model', testModelPath(),
    '--model_alias', SERVED_MODEL_ID,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--n_ctx', '2048',
    // One thread each: steady on a 2-core machine shared with the browser (more threads stall).
    '--n_threads', '1',
    '--n_threads_batch', '1',
    '--verbose', 'False',
    ...(apiKey ? ['--api_key', apiKey] : []),
  ];
  const script = corsOrigins ? [fileURLToPath(new URL('./llama_server_cors.py', import.meta.url))] : ['-m', 'llama_cpp.server'];
  // HOST, PORT and API_KEY in the environment would override the flags (pydantic settings).
  const env = { ...process.env };
  for (const name of ['HOST', 'PORT', 'API_KEY', 'MODEL', 'N_CTX']) delete env[name];
  if (corsOrigins) env.LLAMA_CORS_ORIGINS = corsOrigins.join(',');
  const child = spawn(serverPython(), [...script, ...flags], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (data) => (log = (log + data).slice(-4000)));
  let exited = false;
  child.on('exit', () => (exited = true));
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`The llama-cpp-python server exited while starting:\n${log}`);
    try {
      const response = await fetch(`${baseUrl}/models`, { headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {} });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The llama-cpp-python server did not answer within 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    origin: `http://127.0.0.1:${port}`,
    get log() {
      return log;
    },
    kill() {
      child.kill('SIGKILL');
    },
    async stop() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}
