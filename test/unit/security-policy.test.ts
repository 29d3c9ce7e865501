import { readFileSync } from 'node:fs';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import { cpuCatalog } from '../../src/engine/cpu/cpu-catalog.js';
import {
  allowsConnection,
  contentSecurityPolicy,
  contentSecurityPolicyForMeta,
  securityHeaders,
  sourceList,
} from '../../src/security/policy.js';
import { WHISPER_REPOS } from '../../src/translate/asr-protocol.js';

const page = 'https://aperto.example';

describe('the Content-Security-Policy', () => {
  it('lets scripts come only from the app and compile WebAssembly, with no eval and no inline script', () => {
    const policy = contentSecurityPolicy();

    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(policy).not.toMatch(/'unsafe-eval'/);
    expect(policy).toContain("worker-src 'self' blob:;");
    expect(policy).toContain("object-src 'none';");
    expect(policy).toContain("base-uri 'none';");
    expect(policy).toContain("default-src 'self';");
  });

  it('allows every model the catalogs offer, and their libraries', () => {
    const urls = [
      ...prebuiltAppConfig.model_list.flatMap((record) => [record.model, record.model_lib]),
      ...cpuCatalog.map((entry) => entry.modelUrl!),
      // Whisper, from the hub (src/translate/recognizer.ts, HUGGING_FACE_HUB).
      ...Object.values(WHISPER_REPOS).map((repo) => `https://huggingface.co/${repo}/resolve/main/config.json`),
    ];

    expect(urls.length).toBeGreaterThan(50);
    expect(urls.filter((url) => !allowsConnection(url, page))).toEqual([]);
  });

  it('allows the hosts the hub redirects downloads to, and no other host', () => {
    for (const host of ['cdn-lfs.hf.co', 'cdn-lfs-us-1.hf.co', 'cas-bridge.xethub.hf.co', 'transfer.xethub.hf.co', 'us.aws.cdn.hf.co', 'cdn-lfs.huggingface.co']) {
      expect(allowsConnection(`https://${host}/some/file`, page), host).toBe(true);
    }
    for (const url of ['https://evil.example/model.gguf', 'https://hf.co.evil.example/x', 'http://huggingface.co/x', 'https://huggingface.co.evil.example/x']) {
      expect(allowsConnection(url, page), url).toBe(false);
    }
    expect(allowsConnection(`${page}/hub/model.gguf`, page)).toBe(true);
  });

  it('adds the model hosts and framing pages a host configures', () => {
    const options = { connectSrc: sourceList('https://models.example.org, http://127.0.0.1:8080'), frameAncestors: ['https://signage.example.org'] };
    const policy = contentSecurityPolicy(options);

    expect(policy).toMatch(/connect-src [^;]* https:\/\/models\.example\.org http:\/\/127\.0\.0\.1:8080;/);
    expect(policy).toMatch(/frame-ancestors https:\/\/signage\.example\.org$/);
    expect(allowsConnection('https://models.example.org/a.gguf', page, options)).toBe(true);
    expect(allowsConnection('http://127.0.0.1:8081/a.gguf', page, options)).toBe(false);
  });

  it('refuses a configured source that would smuggle in a directive of its own', () => {
    for (const bad of ["https://a.example; script-src 'unsafe-eval'", "'unsafe-eval'", '*', 'https://a.example/ x']) {
      expect(() => contentSecurityPolicy({ connectSrc: [bad] }), bad).toThrow(/not a source this policy accepts/);
    }
  });

  it('leaves frame-ancestors out of the <meta> copy, where browsers ignore it', () => {
    expect(contentSecurityPolicy()).toContain("frame-ancestors 'self'");
    expect(contentSecurityPolicyForMeta()).not.toContain('frame-ancestors');
    expect(contentSecurityPolicyForMeta()).toContain("script-src 'self' 'wasm-unsafe-eval'");
  });

  it('is the one the README tells static hosts to send', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

    expect(readme).toContain(`Content-Security-Policy: ${contentSecurityPolicy()}\n`);
  });

  it('comes with the cross-origin isolation headers', () => {
    expect(securityHeaders()).toEqual({
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Content-Security-Policy': contentSecurityPolicy(),
    });
  });
});
