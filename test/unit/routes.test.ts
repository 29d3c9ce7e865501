import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, VIEWS, hrefFor, parseRoute } from '../../src/app/routes.js';

describe('parseRoute', () => {
  it('opens the models view for #/models', () => {
    expect(parseRoute('#/models')).toEqual({ view: 'models' });
  });

  it.each(['', '#', '#/'])('opens chat for the empty hash "%s"', (hash) => {
    expect(parseRoute(hash)).toEqual({ view: 'chat' });
  });

  it('opens chat and names the unknown view for #/nope', () => {
    expect(parseRoute('#/nope')).toEqual({ view: 'chat', unknown: 'nope' });
  });

  it('reads the view name regardless of case', () => {
    expect(parseRoute('#/MoDeLs')).toEqual({ view: 'models' });
  });

  it('ignores path segments after the view name', () => {
    expect(parseRoute('#/device/gpu/details')).toEqual({ view: 'device' });
  });

  it('ignores a query after the view name', () => {
    expect(parseRoute('#/translate?from=en&to=fr')).toEqual({ view: 'translate' });
  });

  it('accepts a hash without the slash', () => {
    expect(parseRoute('#models')).toEqual({ view: 'models' });
  });

  it('decodes a percent-encoded view name', () => {
    expect(parseRoute('#/%6Dodels')).toEqual({ view: 'models' });
  });

  it('falls back to chat for a malformed percent-escape instead of throwing', () => {
    expect(parseRoute('#/100%').view).toBe(DEFAULT_VIEW);
  });
});

describe('hrefFor', () => {
  it.each(VIEWS)('makes a link that parseRoute reads back as %s', (view) => {
    expect(parseRoute(hrefFor(view))).toEqual({ view });
  });
});
