import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BROWSER_OWN_REQUESTS, privacyViolations, type ObservedRequest } from '../support/privacy-rules.js';

const origin = 'http://127.0.0.1:4173';
const typed = ['Please remember my locker combination: marigold seventeen'];
const get = (path: string, from = 'page'): ObservedRequest => ({ method: 'GET', url: `${origin}${path}`, from, hasBody: false });
const check = (requests: ObservedRequest[], reachedNetwork = true) => privacyViolations(requests, { origin, typed, reachedNetwork });

describe('the rules for traffic after load', () => {
  it('let the browser check the service worker and fetch the icons and manifest', () => {
    const ownFiles = ['/sw.js', '/workbox-47f4faf4.js', '/favicon.svg', '/manifest.webmanifest', '/icons/icon-192.png'];

    expect(check(ownFiles.map((path) => get(path, 'server')))).toEqual([]);
  });

  it('flag any other file of the app that reaches the network', () => {
    expect(check([get('/assets/index-abc.js')])).toEqual([
      `page: GET ${origin}/assets/index-abc.js — not one of the app's own files the browser fetches by itself`,
    ]);
  });

  it('accept other files of the app when the service worker answered them from its cache', () => {
    expect(check([get('/assets/index-abc.js')], false)).toEqual([]);
  });

  it('flag a request to another origin, even from the cache', () => {
    const other: ObservedRequest = { method: 'GET', url: 'https://tracker.example/pixel.gif', from: 'worker', hasBody: false };

    expect(check([other], false)).toEqual([`worker: GET https://tracker.example/pixel.gif — went to another origin than the app's (${origin})`]);
  });

  it('flag a body or a method other than GET, even to an allowed file', () => {
    const posted: ObservedRequest = { method: 'POST', url: `${origin}/sw.js`, from: 'page', hasBody: true };
    const head: ObservedRequest = { method: 'HEAD', url: `${origin}/sw.js`, from: 'page', hasBody: false };

    expect(check([posted, head])).toEqual([
      `page: POST ${origin}/sw.js — sent a body or used a method other than GET`,
      `page: HEAD ${origin}/sw.js — sent a body or used a method other than GET`,
    ]);
  });

  it('flag what the person typed in a URL, encoded or not, whole or a word of it', () => {
    const leaks = [
      get(`/sw.js?q=${encodeURIComponent(typed[0])}`),
      get('/favicon.svg?marigold'),
      get('/icons/Seventeen.png'),
      get('/icons/a.png?x=locker+combination'),
    ];

    const problems = check(leaks, false);

    expect(problems).toHaveLength(4);
    expect(problems.every((line) => /carries "[^"]+", which the person typed/.test(line))).toBe(true);
  });

  it('do not let a query string ride along on an allowed file', () => {
    expect(check([get('/sw.js?v=2')])).toEqual([`page: GET ${origin}/sw.js?v=2 — not one of the app's own files the browser fetches by itself`]);
  });
});

describe("the README's privacy section", () => {
  it('names every file the browser may fetch by itself after load', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const privacy = readme.slice(readme.indexOf('## Privacy'), readme.indexOf('\n## ', readme.indexOf('## Privacy') + 1));

    for (const own of BROWSER_OWN_REQUESTS) expect(privacy).toContain(`\`${own.name}\``);
    expect(privacy).not.toMatch(/zero\*\* requests|no requests at all/);
  });
});
