/**
 * One trace per piece of work, across the real processes on the emulator (the launcher's system,
 * every process exporting OTLP to a receiver in this test):
 * - a CSV uploaded through the gateway: the gateway's span, the inventory route's, then through
 *   S3 (the object's metadata) and SQS to the worker's BatchWriteItem calls and its SNS publish;
 * - PATCH /api/users/me: the users route, its SNS publish of user.renamed, the messages
 *   consumer's span for that event and its DynamoDB update.
 * And a log line of the request carries that trace's id; the services' EMF metric lines (one per
 * interval, here 1 s) are valid documents with the route, consumer and worker figures.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emfProblems } from '@agora/runtime/metrics';
import { createUsersRepo } from '@agora/users/users-repo';
import { emulatorClients } from '../src/local/emulator-clients.ts';
import { type RunningSystem, startSystem } from '../src/local/launcher.ts';
import { startedForTheFile } from '../src/testing/file-fixture.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../src/testing/otlp-receiver.ts';
import { uniquePrefix } from '../src/testing/testing.ts';
import { until } from '../src/wait.ts';

let receiver: OtlpReceiver;
let system: RunningSystem;

startedForTheFile(
  async () => {
    receiver = await startOtlpReceiver();
    system = await startSystem({
      prefix: uniquePrefix('trace'),
      gatewayPort: 0,
      logLevel: 'info',
      traces: { otlpEndpoint: receiver.endpoint },
      serviceEnv: { POLL_WAIT_SECONDS: '1', METRICS_INTERVAL_SECONDS: '1' },
    });
  },
  async () => {
    await system?.stop();
    await receiver?.close();
  },
);

const json = { 'content-type': 'application/json' };

async function signedIn(role?: string): Promise<{ userId: string; auth: Record<string, string> }> {
  const credentials = {
    username: `tr_${Date.now()}_${Math.floor(Math.random() * 1e6)}`,
    password: 'correct horse battery',
  };
  const registered = await fetch(`${system.gatewayUrl}/api/users`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...credentials, displayName: 'Tracer' }),
  });
  assert.equal(registered.status, 201);
  const { userId } = (await registered.json()) as { userId: string };
  if (role) {
    const clients = emulatorClients(system.endpoint);
    await createUsersRepo(clients.documents, system.deployment.env.USERS_TABLE as string).setRole(userId, role, true);
    clients.destroy();
  }
  const loggedIn = await fetch(`${system.gatewayUrl}/api/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(credentials),
  });
  assert.equal(loggedIn.status, 200);
  const { accessToken } = (await loggedIn.json()) as { accessToken: string };
  return { userId, auth: { authorization: `Bearer ${accessToken}` } };
}

/** The server span of `service` for the request that answered with `requestId`. */
function requestSpan(service: string, requestId: string) {
  return receiver.waitForSpan(
    (span) => span.service === service && span.kind === 'server' && span.attributes['agora.request_id'] === requestId,
    `${service}'s span of request ${requestId}`,
  );
}

const awsCall = (service: string, rpcService: string, method: string) => (span: ReceivedSpan) =>
  span.service === service && span.attributes['rpc.service'] === rpcService && span.attributes['rpc.method'] === method;

/** Every ancestor of a span inside its trace is there: the trace is one tree, not loose pieces. */
function assertConnected(spans: readonly ReceivedSpan[], span: ReceivedSpan, root: ReceivedSpan): void {
  const byId = new Map(spans.map((candidate) => [candidate.spanId, candidate]));
  let current: ReceivedSpan | undefined = span;
  const path: string[] = [];
  while (current && current.spanId !== root.spanId) {
    path.push(`${current.service}:${current.name}`);
    current = current.parentSpanId ? byId.get(current.parentSpanId) : undefined;
  }
  assert.ok(current, `${span.name} does not lead back to ${root.name} (${path.join(' <- ')})`);
}

/** The EMF documents a process wrote. */
function emfLines(process: string): Record<string, unknown>[] {
  return (system.processes.get(process)?.logs ?? []).filter((line) => '_aws' in line);
}

describe('one trace per piece of work', () => {
  test('a CSV upload is one trace: gateway, inventory route, the worker’s BatchWriteItem and its SNS publish', async () => {
    const { auth } = await signedIn('inventory-manager');
    const form = new FormData();
    const file = ['store,item,count', 'Tracetown,Echo Dot,3', 'Tracetown,Echo Plus,0'].join('\n');
    form.append('file', new Blob([file], { type: 'text/csv' }), 'tracetown.csv');
    const response = await fetch(`${system.gatewayUrl}/api/inventory/uploads`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    assert.equal(response.status, 202);
    const requestId = response.headers.get('x-request-id') as string;

    const route = await requestSpan('inventory', requestId);
    assert.equal(route.name, 'POST /api/inventory/uploads', 'the span is named by its route');
    const { traceId } = route;
    const inTrace = (match: (span: ReceivedSpan) => boolean) => (span: ReceivedSpan) =>
      span.traceId === traceId && match(span);
    const batchWrite = await receiver.waitForSpan(
      inTrace(awsCall('inventory-worker', 'DynamoDB', 'BatchWriteItem')),
      "the worker's BatchWriteItem in the upload's trace",
    );
    const publish = await receiver.waitForSpan(
      inTrace(awsCall('inventory-worker', 'SNS', 'PublishBatch')),
      "the worker's stock alert publish in the upload's trace",
    );
    // (The route's JWKS fetch, through the gateway to users, is in this trace too: another gateway span.)
    const gateway = await requestSpan('gateway', requestId);
    assert.equal(gateway.traceId, traceId);
    assert.equal(gateway.name, 'POST → inventory', "the gateway's span names the target group it chose");
    assert.equal(gateway.parentSpanId, undefined, 'the trace starts at the gateway (the load balancer)');

    // It ends after every call made for the file: once it is here, so are they.
    const fileSpan = await receiver.waitForSpan(
      inTrace((span) => span.service === 'inventory-worker' && span.name === 'process stock file'),
      "the worker's span for the file",
    );
    assert.equal(fileSpan.parentSpanId, route.spanId, "the worker's file span continues the upload route's span");
    const spans = receiver.trace(traceId);
    for (const span of [route, batchWrite, publish]) assertConnected(spans, span, gateway);

    // The route's log lines carry the trace id.
    const inventoryLogs = system.processes.get('inventory')?.logs ?? [];
    assert.ok(
      inventoryLogs.some((line) => line.reqId === requestId && line.trace_id === traceId),
      'a log line of the upload request carries its trace id',
    );
  });

  test('PATCH /api/users/me is one trace: users route, user.renamed, the messages consumer and its update', async () => {
    const { auth } = await signedIn();
    const response = await fetch(`${system.gatewayUrl}/api/users/me`, {
      method: 'PATCH',
      headers: { ...auth, ...json },
      body: JSON.stringify({ displayName: 'Traced Name' }),
    });
    assert.equal(response.status, 200);
    const requestId = response.headers.get('x-request-id') as string;

    const route = await requestSpan('users', requestId);
    assert.equal(route.name, 'PATCH /api/users/me');
    const { traceId } = route;
    const inTrace = (match: (span: ReceivedSpan) => boolean) => (span: ReceivedSpan) =>
      span.traceId === traceId && match(span);
    const publish = await receiver.waitForSpan(inTrace(awsCall('users', 'SNS', 'Publish')), 'the user.renamed publish');
    const consumed = await receiver.waitForSpan(
      inTrace((span) => span.service === 'messages' && span.name === 'process user.renamed'),
      "the messages consumer's span for user.renamed",
    );
    assert.equal(consumed.kind, 'consumer');
    const update = await receiver.waitForSpan(
      inTrace((span) => span.service === 'messages' && span.attributes['rpc.service'] === 'DynamoDB'),
      "the messages consumer's DynamoDB update",
    );
    const spans = receiver.trace(traceId);
    const gateway = await requestSpan('gateway', requestId);
    for (const span of [route, publish, consumed, update]) assertConnected(spans, span, gateway);
    assertConnected(spans, update, consumed);
  });

  test('background polls start no trace: no root span is an SQS receive or a bare AWS call', () => {
    const roots = receiver.spans.filter((span) => span.parentSpanId === undefined);
    assert.ok(roots.length > 0);
    const strays = roots.filter((span) => span.kind !== 'server' && span.kind !== 'consumer');
    assert.deepEqual(
      strays.map((span) => `${span.service}:${span.name}`),
      [],
    );
    assert.ok(!roots.some((span) => span.name.endsWith(' receive')), 'a long poll is not a trace');
  });

  test('each service writes valid EMF documents: route, consumer and worker figures', async () => {
    const sum = (process: string, match: (line: Record<string, unknown>) => boolean, metric: string) =>
      emfLines(process)
        .filter(match)
        .reduce((total, line) => total + Number(line[metric] ?? 0), 0);
    const uploadRoute = (line: Record<string, unknown>) => line.Route === 'POST /api/inventory/uploads';
    await until(() => sum('inventory', uploadRoute, 'Requests') >= 1, "the upload route's request count", 15_000);
    await until(() => sum('inventory-worker', () => true, 'FilesLoaded') >= 1, "the worker's loaded files", 15_000);
    await until(
      () => sum('messages', (line) => String(line.Queue).endsWith('messages-events'), 'MessagesProcessed') >= 1,
      "the messages consumer's processed events",
      15_000,
    );
    const upload = emfLines('inventory').find(uploadRoute) as Record<string, unknown>;
    assert.equal(upload.Service, 'inventory');
    assert.ok(Array.isArray(upload.Latency) && upload.Latency.length >= 1, 'a latency sample');
    assert.equal(sum('inventory', uploadRoute, 'Errors5xx'), 0);
    assert.ok(sum('inventory-worker', () => true, 'RowsLoaded') >= 2);
    assert.ok(sum('inventory-worker', () => true, 'AlertsSent') >= 1, 'the Echo Plus alert');
    for (const process of system.processes.keys()) {
      for (const line of emfLines(process))
        assert.deepEqual(emfProblems(line), [], `${process}: ${JSON.stringify(line)}`);
    }
  });
});
