/**
 * The gateway serves the web app's build as CloudFront serves it from S3: hashed assets cached
 * for good, the page revalidated and answered for every client-side route, under the strict CSP;
 * the API's paths never fall through to the page.
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { webApp, webContentSecurityPolicy } from '@agora/catalogue';
import { ensureDashboardBuilt } from '@agora/dashboard/build';
import { loadWebApp } from '@agora/dashboard/serve';
import { closedPort, startGateway, type TestGateway } from './support.ts';

async function gatewayWith(dir?: string): Promise<TestGateway> {
  const down = await closedPort();
  const upstreams = new Map(['users', 'topics', 'messages', 'inventory'].map((service) => [service, down]));
  return startGateway(upstreams, { webApp: await loadWebApp(dir) });
}

await ensureDashboardBuilt();
const gateway = await gatewayWith();

describe('the web app through the gateway', () => {
  it('answers / and every client-side route with the page, revalidated, under the strict CSP', async () => {
    for (const path of ['/', '/topics/abc-123', '/users/u-1', '/inventory', '/register', '/api']) {
      const page = await gateway.app.inject(path);
      assert.equal(page.statusCode, 200, path);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.match(page.body, /<title>Agora<\/title>/);
      assert.equal(page.headers['cache-control'], webApp.pageCacheControl);
      assert.equal(page.headers['content-security-policy'], webContentSecurityPolicy);
      assert.doesNotMatch(page.body, /https?:\/\//, 'the page names no other origin');
    }
    const policy = webContentSecurityPolicy;
    for (const directive of ["script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
      assert.ok(policy.split('; ').includes(directive), directive);
    }
  });

  it('serves each asset the page names, immutable, and answers 304 to its ETag', async () => {
    const page = await gateway.app.inject('/');
    const assets = [...page.body.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] as string);
    assert.ok(assets.some((path) => path.endsWith('.js')) && assets.some((path) => path.endsWith('.css')));
    for (const path of assets) {
      const asset = await gateway.app.inject(path);
      assert.equal(asset.statusCode, 200, path);
      assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
      const again = await gateway.app.inject({ url: path, headers: { 'if-none-match': String(asset.headers.etag) } });
      assert.equal(again.statusCode, 304);
    }
    const revalidated = await gateway.app.inject({ url: '/', headers: { 'if-none-match': String(page.headers.etag) } });
    assert.equal(revalidated.statusCode, 304);
  });

  it('answers an unknown asset or file with a 404 problem, not the page', async () => {
    for (const path of ['/assets/nothing.js', '/favicon.ico', '/topics/a/robots.txt']) {
      const missing = await gateway.app.inject(path);
      assert.equal(missing.statusCode, 404, path);
      assert.match(String(missing.headers['content-type']), /problem\+json/);
    }
  });

  it('keeps the API to the API: an unknown API path is a 404 problem, a known one goes upstream', async () => {
    for (const path of ['/api/unknown', '/api/topicsx', '/.well-known/other']) {
      const response = await gateway.app.inject(path);
      assert.equal(response.statusCode, 404, path);
      assert.match(String(response.headers['content-type']), /problem\+json/);
    }
    const upstream = await gateway.app.inject('/api/topics');
    assert.equal(upstream.statusCode, 503, 'the topics service (down here) was asked, not the page');
    const post = await gateway.app.inject({ method: 'POST', url: '/topics/abc' });
    assert.equal(post.statusCode, 404, 'the page answers reads only');
  });

  it('answers 503 with a clear problem when the app was never built', async () => {
    const empty = await gatewayWith(await mkdtemp(join(tmpdir(), 'agora-no-web-app-')));
    const page = await empty.app.inject('/topics/x');
    assert.equal(page.statusCode, 503);
    assert.match(page.json().detail, /not built/);
    assert.equal(page.headers['retry-after'], '5');
  });
});
