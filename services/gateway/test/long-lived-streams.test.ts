/**
 * Issue 17, item 2: about 128 open live-feed streams starved every other inventory request
 * through the gateway (the proxy's pool held at most 128 connections to a service, and a request
 * waiting for one waited forever). The gateway runs here as the process `npm run up` starts, with
 * its default limits, in front of an upstream that behaves like the inventory feed: a stream
 * answers its headers at once and then stays open with a heartbeat well inside the gateway's
 * upstream timeout, so nothing but the gateway's own limits can end it.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type ClientRequest, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { routes } from '@agora/catalogue';
import { freePort } from '@agora/tools/local/emulator';
import { repoRoot } from '@agora/tools/paths';
import { until, waitForHttp } from '@agora/tools/wait';
import { listen } from './support.ts';

const streamCount = 160;

/** The inventory service as the gateway sees it: streams that stay open, requests that hang, quick answers. */
async function inventoryLike() {
  const openStreams = new Set<ServerResponse>();
  const hanging = new Set<IncomingMessage>();
  const upstream = await listen((incoming, response) => {
    if (incoming.url === '/ready') return response.writeHead(200).end('{}');
    if (incoming.url?.startsWith('/api/inventory/feed')) {
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      response.write('retry: 2000\n\nevent: ready\ndata: {}\n\n');
      const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 250);
      openStreams.add(response);
      response.on('close', () => {
        clearInterval(heartbeat);
        openStreams.delete(response);
      });
      return;
    }
    if (incoming.url === '/api/inventory/slow') {
      hanging.add(incoming);
      incoming.on('close', () => hanging.delete(incoming));
      return; // never answers
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
  });
  return { ...upstream, openStreams, hanging };
}

/** The gateway's own server.ts as a process, every routed service sent to `upstreamUrl`. */
async function gatewayProcess(upstreamUrl: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const upstreamVariables = Object.fromEntries(
    [...new Set(routes.map((rule) => rule.service))].map((service) => [
      `UPSTREAM_${service.toUpperCase().replace(/-/g, '_')}_URL`,
      upstreamUrl,
    ]),
  );
  const child: ChildProcess = spawn(process.execPath, ['services/gateway/src/server.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      HEALTH_CHECK_INTERVAL_MS: '100',
      ...upstreamVariables,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/inventory/items`, {
    timeoutMs: 60_000,
    giveUpIf: () => (child.exitCode === null ? undefined : `the gateway exited with ${child.exitCode}`),
  });
  return { url, port };
}

interface ClientStream {
  readonly request: ClientRequest;
  status?: number;
  retryAfter?: string;
  /** the first event arrived: the stream is open end to end */
  flowing: boolean;
}

/** One browser tab's feed: its own connection to the gateway, never a shared client pool. */
function openFeed(port: number): ClientStream {
  const request = httpRequest({ host: '127.0.0.1', port, path: '/api/inventory/feed', agent: false });
  const stream: ClientStream = { request, flowing: false };
  request.on('response', (response) => {
    stream.status = response.statusCode;
    stream.retryAfter = response.headers['retry-after'];
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (chunk.includes('event: ready')) stream.flowing = true;
    });
    response.on('error', () => {});
  });
  request.on('error', () => {});
  request.end();
  after(() => {
    request.destroy();
  });
  return stream;
}

async function shortRequest(url: string, path = '/api/inventory/items') {
  const started = Date.now();
  const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) }).catch((error: Error) => error);
  if (response instanceof Error) return { status: 0, body: response.message, ms: Date.now() - started };
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
    body: await response.text(),
    ms: Date.now() - started,
  };
}

describe(`${streamCount} live-feed streams through the gateway process, default limits`, () => {
  it('leave short inventory requests their answers, and every stream stays open', async () => {
    const upstream = await inventoryLike();
    const gateway = await gatewayProcess(upstream.url);
    const feeds = Array.from({ length: streamCount }, () => openFeed(gateway.port));
    // Positive barrier: as many streams are open at the upstream as the old pool had connections.
    await until(() => upstream.openStreams.size >= 128, '128 streams open at the upstream', 30_000);

    const whileStreamsOpen = await shortRequest(gateway.url);
    assert.equal(whileStreamsOpen.status, 200, `a short request with the streams open: ${whileStreamsOpen.body}`);

    await until(
      () => upstream.openStreams.size === streamCount && feeds.every((feed) => feed.flowing),
      `all ${streamCount} streams flowing end to end`,
      30_000,
    );
    const withAllOpen = await Promise.all(Array.from({ length: 20 }, () => shortRequest(gateway.url)));
    assert.deepEqual(
      withAllOpen.map((answer) => answer.status),
      withAllOpen.map(() => 200),
    );
    assert.equal(upstream.openStreams.size, streamCount, 'no stream was cut to make room');
    assert.ok(
      feeds.every((feed) => feed.status === 200),
      'every feed answered 200',
    );
  });
});

describe('the waits the gateway bounds', () => {
  it('answers a request that waited too long for a request slot with a 503 problem and Retry-After', async () => {
    const upstream = await inventoryLike();
    const gateway = await gatewayProcess(upstream.url, { MAX_REQUESTS_PER_SERVICE: '2', QUEUE_TIMEOUT_MS: '300' });
    const slow = [1, 2].map(() => new AbortController());
    after(() => {
      for (const controller of slow) controller.abort();
    });
    for (const controller of slow) {
      fetch(`${gateway.url}/api/inventory/slow`, { signal: controller.signal }).catch(() => {});
    }
    await until(() => upstream.hanging.size === 2, 'both slow requests at the upstream');

    const refused = await shortRequest(gateway.url);
    assert.equal(refused.status, 503, refused.body);
    assert.match(String(refused.contentType), /^application\/problem\+json/);
    assert.equal(refused.retryAfter, '1');
    assert.equal(JSON.parse(refused.body).status, 503);
    assert.ok(refused.ms < 3_000, `refused after ${refused.ms} ms, not held until the upstream answers`);

    // The slot comes back when its client goes away.
    slow[0]?.abort();
    await until(async () => (await shortRequest(gateway.url)).status === 200, 'a freed slot to serve again');
  });

  it('answers a stream over the stream limit with a 503 problem and Retry-After, and short requests still pass', async () => {
    const upstream = await inventoryLike();
    const gateway = await gatewayProcess(upstream.url, { MAX_STREAMS_PER_SERVICE: '3', MAX_REQUESTS_PER_SERVICE: '2' });
    const feeds = [1, 2, 3].map(() => openFeed(gateway.port));
    await until(() => feeds.every((feed) => feed.flowing), 'three streams flowing');

    const fourth = openFeed(gateway.port);
    await until(() => fourth.status !== undefined, 'the fourth stream answered');
    assert.equal(fourth.status, 503);
    assert.equal(fourth.retryAfter, '1');
    await until(() => upstream.openStreams.size === 3, 'the refused stream closed at the upstream');
    // three streams held and only two request slots: streams do not take request slots
    const short = await Promise.all([shortRequest(gateway.url), shortRequest(gateway.url)]);
    assert.deepEqual(
      short.map((answer) => answer.status),
      [200, 200],
    );
  });
});
