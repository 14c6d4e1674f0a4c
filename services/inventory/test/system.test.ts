/**
 * The whole local topology (the launcher's, as `npm run up` starts it) with two workers: the six
 * lab files uploaded through the gateway by an inventory manager give the right stock and exactly
 * six out-of-stock alerts; each file is applied once.
 * With AGORA_SYSTEM_URL (and AWS_ENDPOINT_URL, AGORA_PREFIX) set, the same journey runs against that
 * already running system (compose, under tools/test/compose-engine.test.ts) with the workers it runs;
 * the checks of the launcher's own worker processes are skipped there.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { emulatorClients } from '@agora/tools/local/emulator-clients';
import { startSystem } from '@agora/tools/local/launcher';
import { externalSystem, locateEmulatorResources } from '@agora/tools/testing/external-system';
import { subscribeTestQueue } from '@agora/tools/testing/probe-queues';
import { uniquePrefix } from '@agora/tools/testing/testing';
import { createUsersRepo } from '@agora/users/users-repo';
import {
  dropFile,
  finishedUpload,
  labFile,
  labStores,
  stock,
  testWorkerEnv,
  uploads,
  waitFor,
} from './worker-harness.ts';

const external = externalSystem();

/** The launcher's system with two workers, or the running system the environment names. */
async function systemUnderTest() {
  if (external) {
    const clients = emulatorClients(external.endpoint);
    after(() => clients.destroy());
    const located = await locateEmulatorResources(clients, external.prefix);
    return { gatewayUrl: external.gatewayUrl, deployment: { ...located, endpoint: external.endpoint, clients } };
  }
  const system = await startSystem({
    prefix: uniquePrefix('sys'),
    gatewayPort: 0,
    workers: 2,
    logLevel: 'warn',
    serviceEnv: testWorkerEnv,
  });
  after(() => system.stop());
  const clients = emulatorClients(system.endpoint);
  after(() => clients.destroy());
  assert.ok(system.processes.has('inventory-worker-1') && system.processes.has('inventory-worker-2'));
  return {
    system,
    gatewayUrl: system.gatewayUrl,
    deployment: { ...system.deployment, endpoint: system.endpoint, clients },
  };
}

test('six lab files through the gateway, two workers: right stock, six alerts, each file once', async (t) => {
  const { system, gatewayUrl, deployment } = await systemUnderTest();
  const { clients } = deployment;
  const alerts = await subscribeTestQueue(deployment, 'stock-alerts-probe', 'stockAlerts');

  const gateway = gatewayUrl;
  const json = { 'content-type': 'application/json' };
  const credentials = { username: `mgr_${Date.now()}`, password: 'correct horse battery' };
  const registered = await fetch(`${gateway}/api/users`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...credentials, displayName: 'Manager' }),
  });
  assert.equal(registered.status, 201);
  const { userId } = (await registered.json()) as { userId: string };
  await createUsersRepo(clients.documents, deployment.env.USERS_TABLE as string).setRole(
    userId,
    'inventory-manager',
    true,
  );
  const loggedIn = await fetch(`${gateway}/api/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(credentials),
  });
  const { accessToken } = (await loggedIn.json()) as { accessToken: string };
  const auth = { authorization: `Bearer ${accessToken}` };

  const locations: string[] = [];
  for (const store of labStores) {
    const form = new FormData();
    form.append('file', new Blob([labFile(store)], { type: 'text/csv' }), `${store}.csv`);
    const response = await fetch(`${gateway}/api/inventory/uploads`, { method: 'POST', headers: auth, body: form });
    assert.equal(response.status, 202);
    locations.push(response.headers.get('location') as string);
  }
  const key = 'drops/Zürich Nord/bestand 東京 1.csv';
  await dropFile(deployment, key, 'store,item,count\nZürich Nord,Echo Plus,3\n');

  for (const location of locations) {
    const status = await waitFor(async () => {
      const response = await fetch(`${gateway}${location}`, { headers: auth });
      const body = (await response.json()) as { status: string; rowsAccepted: number };
      return body.status === 'done' || body.status === 'failed' ? body : undefined;
    }, location);
    assert.deepEqual([status.status, status.rowsAccepted], ['done', 5]);
  }
  assert.equal((await finishedUpload(deployment, key)).status, 'done');
  // Two workers, seven files: each file claimed once.
  assert.deepEqual(
    (await uploads(deployment)).map((upload) => upload.attempts),
    [1, 1, 1, 1, 1, 1, 1],
  );

  const loaded = await stock(deployment);
  assert.equal(Object.keys(loaded).length, 31);
  assert.equal(loaded['Zürich Nord/Echo Plus'], 3);
  const received = await alerts.receiveAll({ waitMs: 2000 });
  assert.equal(received.length, 6);
  assert.deepEqual(received.map((alert) => alert.attributes.store).sort(), [...labStores].sort());

  const items = await fetch(`${gateway}/api/inventory/stores/${encodeURIComponent('Zürich Nord')}/items`, {
    headers: auth,
  });
  assert.deepEqual(
    ((await items.json()) as { items: { item: string; count: number }[] }).items.map((item) => [item.item, item.count]),
    [['Echo Plus', 3]],
  );
  if (!system) {
    t.diagnostic(`the workers' own health endpoints: not published by the running system at ${gatewayUrl}`);
    return;
  }
  const health = await fetch(`${system.processes.get('inventory-worker-2')?.url}/health`);
  assert.equal(health.status, 200);
});
