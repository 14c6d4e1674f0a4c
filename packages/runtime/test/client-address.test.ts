import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { capturedLogger } from '@agora/tools/testing/testing';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Type } from 'typebox';
import { httpServiceConfig, loadConfig } from '../src/config.ts';
import { createBaseApp } from '../src/http.ts';
import { createServiceApp } from '../src/service-app.ts';

/** The base app with a route that answers the address its limits key on. */
async function app(options: { trustedProxyHops?: number; rateLimitPerMinute?: number } = {}) {
  const instance = await createBaseApp({
    logger: capturedLogger('test').logger,
    corsOrigins: '',
    bodyLimitBytes: 1024,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 100,
    trustedProxyHops: options.trustedProxyHops,
    readiness: async () => {},
  });
  instance.get('/whoami', async (request) => ({ ip: request.ip }));
  after(() => instance.close());
  return instance;
}

// What a request carries behind CloudFront and the ALB: the viewer's own X-Forwarded-For first,
// then the viewer as CloudFront saw it, then the CloudFront edge as the ALB saw it; the socket
// peer (inject's 127.0.0.1) is the ALB.
const viewer = '203.0.113.7';
const edge = '130.176.1.20';
const viaCloudFront = (spoofed: string) => ({ 'x-forwarded-for': `${spoofed}, ${viewer}, ${edge}` });

describe('the client address', () => {
  it('is the last X-Forwarded-For entry by default: the one proxy (ALB or local gateway) appended it', async () => {
    const instance = await app();
    const answer = await instance.inject({ url: '/whoami', headers: { 'x-forwarded-for': `10.9.9.9, ${viewer}` } });
    assert.deepEqual(answer.json(), { ip: viewer });
    // No proxy in front at all: the socket peer.
    assert.deepEqual((await instance.inject('/whoami')).json(), { ip: '127.0.0.1' });
  });

  it('behind CloudFront and the ALB (2 hops) is the viewer, whatever the viewer put in X-Forwarded-For', async () => {
    const instance = await app({ trustedProxyHops: 2 });
    for (const spoofed of ['198.51.100.1', '1.1.1.1, 8.8.8.8', 'not-an-address']) {
      const answer = await instance.inject({ url: '/whoami', headers: viaCloudFront(spoofed) });
      assert.deepEqual(answer.json(), { ip: viewer }, `spoofed entry ${spoofed}`);
    }
    // One hop would take CloudFront's edge for the client: every viewer of that edge one client.
    const oneHop = await app({ trustedProxyHops: 1 });
    assert.deepEqual((await oneHop.inject({ url: '/whoami', headers: viaCloudFront('1.1.1.1') })).json(), { ip: edge });
  });

  it('keys the rate limit: a spoofed leading entry neither escapes it nor spends another viewer’s', async () => {
    const instance = await app({ trustedProxyHops: 2, rateLimitPerMinute: 3 });
    const statuses: number[] = [];
    for (const spoofed of ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']) {
      statuses.push((await instance.inject({ url: '/whoami', headers: viaCloudFront(spoofed) })).statusCode);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    // Another viewer behind the same edge keeps its own budget.
    const other = await instance.inject({
      url: '/whoami',
      headers: { 'x-forwarded-for': `${viewer}, 203.0.113.99, ${edge}` },
    });
    assert.equal(other.statusCode, 200);
    assert.deepEqual(other.json(), { ip: '203.0.113.99' });
  });

  it('takes its hops from TRUSTED_PROXY_HOPS (1 unless set) and refuses a nonsensical count', async () => {
    const schema = Type.Object(httpServiceConfig);
    const table = { RATE_LIMITS_TABLE: 'agora-rate-limits' };
    assert.equal(loadConfig(schema, table).TRUSTED_PROXY_HOPS, 1);
    const config = loadConfig(schema, { ...table, TRUSTED_PROXY_HOPS: '2' });
    assert.equal(config.TRUSTED_PROXY_HOPS, 2);
    assert.throws(() => loadConfig(schema, { ...table, TRUSTED_PROXY_HOPS: '0' }), /TRUSTED_PROXY_HOPS is invalid/);
    // No table answers here (a closed port): the shared limit lets the request through, as it does
    // when its table is unreachable; this test is about the address only.
    const dynamo = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const service = await createServiceApp({
      config,
      logger: capturedLogger('test').logger,
      dynamo,
      documents: DynamoDBDocumentClient.from(dynamo),
      service: 'test',
      readinessTables: [],
      openApi: { title: 'test' },
    });
    service.get('/whoami', async (request) => ({ ip: request.ip }));
    after(() => service.close());
    assert.deepEqual((await service.inject({ url: '/whoami', headers: viaCloudFront('1.1.1.1') })).json(), {
      ip: viewer,
    });
  });
});
