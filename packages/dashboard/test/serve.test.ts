/** The inventory service serves the built page at / and its hashed assets, under a strict CSP. */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBaseApp } from '@agora/runtime/http';
import { capturedLogger } from '@agora/tools/testing/testing';
import { ensureDashboardBuilt } from '../src/build.ts';
import { dashboardRoutes } from '../src/serve.ts';

async function appServing(distDir?: string) {
  const app = await createBaseApp({
    logger: capturedLogger('dashboard').logger,
    corsOrigins: '',
    bodyLimitBytes: 1024,
    rateLimitPerMinute: 1000,
    readiness: async () => {},
  });
  await app.register(dashboardRoutes, distDir ? { distDir } : {});
  after(() => app.close());
  return app;
}

describe('serving the dashboard', () => {
  before(() => ensureDashboardBuilt());

  it('serves the page with a CSP that allows only its own origin', async () => {
    const app = await appServing();
    const page = await app.inject('/');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /<title>Agora inventory<\/title>/);
    const policy = String(page.headers['content-security-policy']);
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.match(policy, /connect-src 'self'(;|$)/);
    assert.match(policy, /style-src 'self'(;|$)/, 'no inline or remote styles either');
    assert.doesNotMatch(page.body, /https?:\/\//, 'the page names no other origin');
    assert.equal(page.headers['cache-control'], 'no-cache');
  });

  it('serves each asset the page names, cacheable for good, and answers 304 to a matching ETag', async () => {
    const app = await appServing();
    const page = await app.inject('/');
    const assets = [...page.body.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] as string);
    assert.ok(assets.some((path) => path.endsWith('.js')) && assets.some((path) => path.endsWith('.css')));
    for (const path of assets) {
      const asset = await app.inject(path);
      assert.equal(asset.statusCode, 200, path);
      assert.match(String(asset.headers['cache-control']), /immutable/);
      const again = await app.inject({ url: path, headers: { 'if-none-match': String(asset.headers.etag) } });
      assert.equal(again.statusCode, 304);
    }
  });

  it('answers an unknown asset with a 404 problem', async () => {
    const app = await appServing();
    const missing = await app.inject('/assets/nothing.js');
    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers['content-type']), /problem\+json/);
  });

  it('answers 503 with a clear problem when the page was never built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'agora-no-dashboard-'));
    const app = await appServing(empty);
    const page = await app.inject('/');
    assert.equal(page.statusCode, 503);
    assert.match(page.json().detail, /not built/);
  });
});

describe('building the dashboard', () => {
  it('skips the build when the sources have not changed', async () => {
    await ensureDashboardBuilt();
    const again = await ensureDashboardBuilt();
    assert.equal(again.built, false);
  });
});
