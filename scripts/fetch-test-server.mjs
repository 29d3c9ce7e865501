/**
 * Puts a real OpenAI-compatible server in its cache outside the repository, for the remote engine's
 * end-to-end tests (test/e2e/remote-engine.test.ts): llama-cpp-python's server, in a Python virtual
 * environment, serving the real test model (npm run fetch-test-model).
 *
 * llama-cpp-python is published on PyPI as source only, so its wheel is built once here (llama.cpp
 * compiles in about two minutes on two cores; Debian needs build-essential, cmake and python3-venv)
 * and kept, with its dependencies' wheels, in the cache; the environment is then installed from
 * those wheels without the network. A working environment is reused as it is.
 *
 *   npm run fetch-test-server        # into ${XDG_CACHE_HOME:-~/.cache}/aperto/{wheels,llama-venv}
 *
 * Built with GGML_NATIVE=OFF: a wheel built for this CPU's newest instructions could crash (SIGILL)
 * on another machine that restores the cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { LLAMA_CPP_PYTHON, LLAMA_CPP_PYTHON_VERSION, serverPython, venvDir, wheelsDir } from '../test/support/llama-server.mjs';

class Failure extends Error {}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', process.stderr, process.stderr], ...options });
  if (result.error?.code === 'ENOENT') throw new Failure(`${command} is not available.`);
  return result.status ?? 1;
}

const works = () => existsSync(serverPython()) && spawnSync(serverPython(), ['-c', 'import llama_cpp.server.app'], { stdio: 'ignore' }).status === 0;

function requireTools() {
  const missing = [
    ['cmake', ['--version']],
    ['c++', ['--version']],
  ].filter(([tool, args]) => spawnSync(tool, args, { stdio: 'ignore' }).status !== 0).map(([tool]) => tool);
  if (spawnSync('python3', ['-m', 'venv', '--help'], { stdio: 'ignore' }).status !== 0) missing.push('python3-venv');
  if (missing.length) {
    throw new Failure(`Building ${LLAMA_CPP_PYTHON} needs ${missing.join(', ')} (Debian: apt-get install -y build-essential cmake python3-venv).`);
  }
}

function main() {
  if (works()) {
    console.log(`${LLAMA_CPP_PYTHON} is ready in ${venvDir()}.`);
    return;
  }
  requireTools();
  const started = Date.now();
  mkdirSync(wheelsDir(), { recursive: true });
  const haveWheels = readdirSync(wheelsDir()).some((file) => file.startsWith(`llama_cpp_python-${LLAMA_CPP_PYTHON_VERSION}-`) && file.endsWith('.whl'));
  if (!haveWheels) {
    console.log(`Building ${LLAMA_CPP_PYTHON} (llama.cpp compiles: about two minutes)…`);
    const status = run('python3', ['-m', 'pip', 'wheel', '--no-binary', 'llama-cpp-python', '-w', wheelsDir(), LLAMA_CPP_PYTHON], {
      env: { ...process.env, CMAKE_ARGS: '-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF', CMAKE_BUILD_PARALLEL_LEVEL: '2' },
    });
    if (status !== 0) throw new Failure(`pip could not build ${LLAMA_CPP_PYTHON}: see its output above.`);
  }
  rmSync(venvDir(), { recursive: true, force: true });
  if (run('python3', ['-m', 'venv', venvDir()]) !== 0) throw new Failure('python3 -m venv failed: see its output above.');
  if (run(serverPython(), ['-m', 'pip', 'install', '--no-index', '--find-links', wheelsDir(), LLAMA_CPP_PYTHON]) !== 0) {
    throw new Failure(`Installing ${LLAMA_CPP_PYTHON} from ${wheelsDir()} failed: see pip's output above.`);
  }
  if (!works()) throw new Failure(`${LLAMA_CPP_PYTHON} was installed but does not import; see the output above.`);
  console.log(`${LLAMA_CPP_PYTHON} is ready in ${venvDir()} (${Math.round((Date.now() - started) / 1000)} s).`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof Failure)) throw error;
  console.error(error.message);
  process.exit(1);
}
