import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detachBundledTypes } from '../../scripts/detach-bundled-types.mjs';

/** A dist-lib/types folder with the given declaration files. */
function typesWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aperto-types-'));
  for (const [name, code] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), code);
  }
  return dir;
}

const consumerHas = (name: string) => ['lit', 'aperto'].includes(name);

describe('the shipped declarations, without the bundled packages', () => {
  it('imports a bundled package’s types from an opaque local file instead', () => {
    const dir = typesWith({
      'engine/engine-client.d.ts': "import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';\nimport { html } from 'lit';\nexport declare const x: AppConfig;\n",
      'engine/cpu/load-wllama.d.ts': "export type WllamaModule = typeof import('@wllama/wllama/esm/index.js');\n",
    });

    expect(detachBundledTypes(dir, consumerHas)).toEqual([]);
    expect(readFileSync(join(dir, 'engine/engine-client.d.ts'), 'utf8')).toBe(
      "import type { AppConfig, ModelRecord } from '../bundled/@mlc-ai__web-llm.js';\nimport { html } from 'lit';\nexport declare const x: AppConfig;\n",
    );
    expect(readFileSync(join(dir, 'bundled/@mlc-ai__web-llm.d.ts'), 'utf8')).toContain('export type AppConfig = any;\nexport type ModelRecord = any;');
    expect(readFileSync(join(dir, 'engine/cpu/load-wllama.d.ts'), 'utf8')).toBe('export type WllamaModule = any;\n');
  });

  it('gives a value import a value and a type of that name', () => {
    const dir = typesWith({ 'a.d.ts': "import { ort } from '@ricky0123/vad-web/dist/real-time-vad.js';\nexport declare let o: typeof ort;\n" });

    detachBundledTypes(dir, consumerHas);

    expect(readFileSync(join(dir, 'bundled/@ricky0123__vad-web.d.ts'), 'utf8')).toContain('export declare const ort: any;');
  });

  it('reports an import it cannot rewrite, but not one quoted in a comment', () => {
    const dir = typesWith({ 'a.d.ts': "/** Use it as `import { ApertoChat } from 'aperto'`. */\nexport * from 'marked';\n" });

    expect(detachBundledTypes(dir, consumerHas)).toEqual(['a.d.ts imports "marked"']);
  });
});
