/**
 * The local trace view (`npm run up -- --traces`): the launcher's system sending its spans to the
 * trace viewer (Zipkin, installed into .agora/trace-viewer on first use), a CSV uploaded through the
 * gateway, and that upload's one trace opened in the viewer's UI in Chromium: the gateway, the
 * inventory route and the worker's file, its BatchWriteItem and its alert publish on one page,
 * saved as test-results/screenshots/upload-trace.png. Skipped, with the reason, where the viewer
 * cannot be installed (no java or mvn).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { traceViewerUnavailable } from '@agora/tools/install/trace-viewer';
import { emulatorClients } from '@agora/tools/local/emulator-clients';
import { type RunningSystem, startSystem } from '@agora/tools/local/launcher';
import { startTraceViewer, type TraceViewer } from '@agora/tools/local/trace-viewer';
import { startedForTheFile } from '@agora/tools/testing/file-fixture';
import { uniquePrefix } from '@agora/tools/testing/testing';
import { eventually } from '@agora/tools/wait';
import { createUsersRepo } from '@agora/users/users-repo';
import { openBrowser } from './browser.ts';

const unavailable = await traceViewerUnavailable();
let viewer: TraceViewer | undefined;
let system: RunningSystem | undefined;

startedForTheFile(
  async () => {
    if (unavailable) return;
    viewer = await startTraceViewer();
    system = await startSystem({
      prefix: uniquePrefix('traces'),
      gatewayPort: 0,
      logLevel: 'warn',
      traces: { zipkinEndpoint: viewer.spansEndpoint },
      serviceEnv: { POLL_WAIT_SECONDS: '1' },
    });
  },
  async () => {
    await system?.stop();
    await viewer?.stop();
  },
);

interface ZipkinSpan {
  readonly traceId: string;
  readonly name?: string;
  readonly localEndpoint?: { serviceName?: string };
  readonly tags?: Record<string, string>;
}

async function uploadAsManager(running: RunningSystem): Promise<string> {
  const json = { 'content-type': 'application/json' };
  const credentials = { username: `viewer_${Date.now()}`, password: 'correct horse battery' };
  const registered = await fetch(`${running.gatewayUrl}/api/users`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...credentials, displayName: 'Viewer' }),
  });
  const { userId } = (await registered.json()) as { userId: string };
  const clients = emulatorClients(running.endpoint);
  await createUsersRepo(clients.documents, running.deployment.env.USERS_TABLE as string).setRole(
    userId,
    'inventory-manager',
    true,
  );
  clients.destroy();
  const loggedIn = await fetch(`${running.gatewayUrl}/api/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(credentials),
  });
  const { accessToken } = (await loggedIn.json()) as { accessToken: string };
  const form = new FormData();
  const file = ['store,item,count', 'Viewtown,Echo Dot,3', 'Viewtown,Echo Plus,0'].join('\n');
  form.append('file', new Blob([file], { type: 'text/csv' }), 'viewtown.csv');
  const uploaded = await fetch(`${running.gatewayUrl}/api/inventory/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
    body: form,
  });
  assert.equal(uploaded.status, 202);
  return uploaded.headers.get('x-request-id') as string;
}

test('the upload trace in the local trace viewer', { skip: unavailable, timeout: 600_000 }, async () => {
  const running = system as RunningSystem;
  const traces = viewer as TraceViewer;
  const requestId = await uploadAsManager(running);

  // The viewer's own API finds the trace by the request id recorded on the route's span.
  const query = new URLSearchParams({ serviceName: 'inventory', annotationQuery: `agora.request_id=${requestId}` });
  const found = await eventually(
    async () => (await (await fetch(`${traces.apiUrl}/traces?${query}`)).json()) as ZipkinSpan[][],
    (result) => result.length === 1,
    30_000,
    250,
  );
  assert.equal(found.length, 1, 'the upload request is in one trace');
  const traceId = found[0]?.[0]?.traceId as string;
  const spans = await eventually(
    async () => (await (await fetch(`${traces.apiUrl}/trace/${traceId}`)).json()) as ZipkinSpan[],
    (all) =>
      all.some((span) => span.name === 'process stock file') &&
      all.some((span) => span.tags?.['rpc.method'] === 'Publish'),
    30_000,
    250,
  );
  const services = new Set(spans.map((span) => span.localEndpoint?.serviceName));
  for (const service of ['gateway', 'inventory', 'inventory-worker'])
    assert.ok(services.has(service), `${service} in the trace`);
  assert.ok(
    spans.some((span) => span.tags?.['rpc.method'] === 'BatchWriteItem'),
    "the worker's BatchWriteItem",
  );

  const browser = await openBrowser({ width: 1440, height: 1000 });
  await browser.page.goto(`${traces.uiUrl}traces/${traceId}`);
  // The trace page lists each span by service and name once it has loaded the trace.
  await browser.page
    .getByText(/process stock file/i)
    .first()
    .waitFor({ timeout: 30_000 });
  await browser.page
    .getByText(/inventory-worker/i)
    .first()
    .waitFor({ timeout: 10_000 });
  const text = ((await browser.page.locator('body').textContent()) ?? '').toLowerCase();
  for (const expected of ['post → inventory', 'post /api/inventory/uploads', 'batchwriteitem']) {
    assert.ok(text.includes(expected), `the page shows ${expected}`);
  }
  await browser.screenshot('upload-trace');
});
