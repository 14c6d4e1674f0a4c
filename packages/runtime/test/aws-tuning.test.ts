import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it, mock } from 'node:test';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { pino } from 'pino';
import { createAwsClients } from '../src/aws.ts';
import { KeyedSha256 } from '../src/aws-tuning.ts';

describe('KeyedSha256', () => {
  it('hashes and HMACs as node:crypto does, for string and byte keys, again after reset', async () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    const plain = new KeyedSha256();
    plain.update('stock ');
    plain.update(new TextEncoder().encode('alerts'));
    assert.equal(hex(await plain.digest()), createHash('sha256').update('stock alerts').digest('hex'));
    const byteKey = new Uint8Array(createHash('sha256').update('key').digest());
    for (const key of ['AWS4secret', byteKey]) {
      const keyed = new KeyedSha256(key);
      keyed.update('20261202');
      const expected = createHmac('sha256', key).update('20261202').digest('hex');
      assert.equal(hex(await keyed.digest()), expected);
      keyed.reset();
      keyed.update(new TextEncoder().encode('20261202'));
      assert.equal(hex(await keyed.digest()), expected, 'the same after reset');
      // The second hash with the same key (the cached KeyObject) agrees too.
      const again = new KeyedSha256(key);
      again.update('20261202');
      assert.equal(hex(await again.digest()), expected);
    }
  });
});

type Args = { request: { headers: Record<string, string> } };
type Handler = (args: Args) => Promise<unknown>;
interface Stack {
  addRelativeTo(
    middleware: (next: Handler) => Handler,
    options: { relation: 'before' | 'after'; toMiddleware: string; name: string },
  ): void;
}

/** The headers two requests of one client go out with, signed, captured instead of sent. */
async function signedHeaders(tuned: boolean, send: (clients: ReturnType<typeof createAwsClients>) => Promise<unknown>) {
  const clients = createAwsClients(
    { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    pino({ level: 'silent' }),
    {
      tuned,
    },
  );
  const headers: Record<string, string>[] = [];
  const stacks = [clients.dynamo.middlewareStack, clients.sns.middlewareStack] as unknown as Stack[];
  for (const stack of stacks) {
    stack.addRelativeTo(
      (next) => (args) => {
        // The per-call ids, which are signed, made alike for both clients.
        args.request.headers['amz-sdk-invocation-id'] = '00000000-0000-4000-8000-000000000000';
        args.request.headers['amz-sdk-request'] = 'attempt=1; max=3';
        return next(args);
      },
      { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'sameIds' },
    );
    stack.addRelativeTo(
      () => (args) => {
        headers.push({ ...args.request.headers });
        return Promise.reject(Object.assign(new Error('captured'), { name: 'Captured' }));
      },
      { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'capture' },
    );
  }
  // Twice: the second request signs with the cached signer and the cached keys.
  await assert.rejects(send(clients), { name: 'Captured' });
  await assert.rejects(send(clients), { name: 'Captured' });
  const stack = clients.dynamo.middlewareStack.identify();
  clients.destroy();
  return { headers, stack };
}

describe('tuned AWS clients', () => {
  it('sign every request exactly as the SDK defaults do, and drop only recursion detection', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-12-02T10:00:00Z') });
    t.after(() => mock.timers.reset());
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    const write = (clients: ReturnType<typeof createAwsClients>) =>
      clients.dynamo.send(
        new BatchWriteItemCommand({
          RequestItems: {
            stock: [{ PutRequest: { Item: { store: { S: 'Leeds' }, item: { S: 'kettle' }, count: { N: '3' } } } }],
          },
        }),
      );
    const publish = (clients: ReturnType<typeof createAwsClients>) =>
      clients.sns.send(
        new PublishCommand({ TopicArn: 'arn:aws:sns:eu-west-1:000000000000:alerts', Message: 'back in stock' }),
      );
    for (const send of [write, publish]) {
      const defaults = await signedHeaders(false, send);
      const tuned = await signedHeaders(true, send);
      assert.equal(tuned.headers.length, 2);
      for (const headers of tuned.headers) {
        assert.match(headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=.+, Signature=[0-9a-f]{64}$/);
      }
      assert.deepEqual(tuned.headers, defaults.headers);
      assert.ok(defaults.stack.some((line) => line.startsWith('recursionDetectionMiddleware')));
      assert.deepEqual(
        tuned.stack,
        defaults.stack.filter((line) => !line.startsWith('recursionDetectionMiddleware')),
      );
    }
  });

  it('build the SigV4 signer once per client and auth scheme', async () => {
    const clients = createAwsClients(
      { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
      pino({ level: 'silent' }),
    );
    const config = clients.dynamo.config as unknown as { signer: (scheme?: object) => Promise<object> };
    const scheme = { name: 'sigv4', signingName: 'dynamodb', signingRegion: 'eu-west-1' };
    assert.equal(await config.signer(scheme), await config.signer({ ...scheme }));
    assert.notEqual(await config.signer(scheme), await config.signer({ ...scheme, signingRegion: 'us-east-1' }));
    clients.destroy();
  });
});
