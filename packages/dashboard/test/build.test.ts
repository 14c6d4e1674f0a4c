/**
 * The build: skipped when the sources have not changed, and light (the gateway's test serves it,
 * see services/gateway/test/web-app.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ensureDashboardBuilt } from '../src/build.ts';
import { loadWebApp } from '../src/serve.ts';

describe('building the web app', () => {
  it('skips the build when the sources have not changed', async () => {
    await ensureDashboardBuilt();
    const again = await ensureDashboardBuilt();
    assert.equal(again.built, false);
  });

  it('loads the page and its hashed assets', async () => {
    const files = await loadWebApp();
    assert.ok(files.page);
    assert.ok([...files.assets.keys()].some((name) => /^index-[\w-]+\.js$/.test(name)));
  });
});

describe('the size of the web app', () => {
  const budgetBytes = 60 * 1024;

  it(`ships at most ${budgetBytes / 1024} KB of JavaScript, gzipped, for the whole app`, async (t) => {
    await ensureDashboardBuilt();
    const { assets } = await loadWebApp();
    const scripts = [...assets].filter(([name]) => name.endsWith('.js'));
    assert.ok(scripts.length > 0, 'the build has scripts');
    const gzipped = scripts.reduce((sum, [, file]) => sum + gzipSync(file.body, { level: 9 }).length, 0);
    const raw = scripts.reduce((sum, [, file]) => sum + file.body.length, 0);
    t.diagnostic(
      `JavaScript: ${scripts.length} file(s), ${raw} bytes, ${gzipped} bytes gzipped (budget ${budgetBytes})`,
    );
    assert.ok(gzipped <= budgetBytes, `${gzipped} bytes gzipped is over the ${budgetBytes} byte budget`);
  });
});
