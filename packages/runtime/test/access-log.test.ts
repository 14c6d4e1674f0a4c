/** The access log: one short line for a fast 2xx, the whole story for a 4xx/5xx or a slow request. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { accessLogOptions } from '../src/access-log.ts';
import { createBaseApp } from '../src/http.ts';
import { createLogger, writeInfoLine } from '../src/logger.ts';

/** A logger writing to memory, and the raw lines it wrote (bytes as they would reach CloudWatch). */
function memoryLogger(level = 'info') {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      raw.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), raw };
}

async function baseApp() {
  const { logger, raw } = memoryLogger();
  const app = await createBaseApp({
    logger,
    corsOrigins: '',
    bodyLimitBytes: 1024,
    rateLimitPerMinute: 1000,
    readiness: async () => {},
  });
  app.get('/api/topics/:topicId/messages', async () => ({ items: [] }));
  app.get('/api/broken', async () => {
    throw new Error('broken');
  });
  after(() => app.close());
  return { app, raw };
}

describe('the access log', () => {
  it('writes one line of at most 200 bytes for a 2xx, with what an operator needs and one level field', async () => {
    const { app, raw } = await baseApp();
    const response = await app.inject({
      url: '/api/topics/0192e3f4-5a6b-7c8d-9e0f-123456789abc/messages?limit=50',
      headers: { 'x-request-id': 'f47ac10b-58cc-4372-a567-0e02b2c3d479' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(raw.length, 1, `one line, not ${raw.length}: ${raw.join('\n')}`);
    const line = raw[0] as string;
    assert.ok(Buffer.byteLength(line) + 1 <= 200, `${Buffer.byteLength(line) + 1} bytes: ${line}`);
    const parsed = JSON.parse(line);
    assert.deepEqual(Object.keys(parsed).sort(), ['latencyMs', 'level', 'method', 'reqId', 'route', 'status']);
    assert.equal(parsed.level, 'info');
    assert.equal(parsed.reqId, 'f47ac10b-58cc-4372-a567-0e02b2c3d479');
    assert.equal(parsed.method, 'GET');
    assert.equal(parsed.route, '/api/topics/:topicId/messages', 'the route, not the URL with its ids');
    assert.equal(parsed.status, 200);
    assert.equal(typeof parsed.latencyMs, 'number');
    assert.doesNotMatch(line, /incoming request|severity/);
  });

  it("writes the short line byte for byte as pino's own info line would, and not below the logger's level", () => {
    const { logger, raw } = memoryLogger();
    const child = logger.child({ reqId: 'r-1"\\' });
    const fields = { method: 'GET', route: '/api/x/:id "quoted"', status: 200, latencyMs: 1.5, odd: Number.NaN };
    child.info(fields);
    writeInfoLine(child, fields);
    assert.equal(raw.length, 2);
    assert.equal(raw[1], raw[0]);
    const quiet = memoryLogger('warn');
    writeInfoLine(quiet.logger.child({ reqId: 'r-2' }), fields);
    assert.deepEqual(quiet.raw, []);
  });

  it('logs a 4xx in full at warn, a 5xx in full at error, each once', async () => {
    const { app, raw } = await baseApp();
    assert.equal((await app.inject({ url: '/nowhere?x=1', headers: { 'user-agent': 'probe/1' } })).statusCode, 404);
    const notFound = raw.map((line) => JSON.parse(line)).filter((line) => line.status === 404);
    assert.equal(notFound.length, 1);
    assert.equal(notFound[0].level, 'warn');
    assert.equal(notFound[0].url, '/nowhere?x=1');
    assert.equal(notFound[0].userAgent, 'probe/1');

    raw.length = 0;
    assert.equal((await app.inject('/api/broken')).statusCode, 500);
    const failed = raw.map((line) => JSON.parse(line));
    const access = failed.filter((line) => line.status === 500);
    assert.equal(access.length, 1);
    assert.equal(access[0].level, 'error');
    assert.equal(access[0].url, '/api/broken');
    assert.ok(
      failed.some((line) => line.msg === 'request failed' && line.err),
      'the error itself is logged too',
    );
  });

  it('logs a request slower than the threshold in full, whatever its status', async () => {
    const { logger, raw } = memoryLogger();
    // A threshold below any real latency: every request is slow. No clock is involved in the test.
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, ...accessLogOptions({ slowMs: -1 }) });
    app.get('/ok', async () => 'ok');
    after(() => app.close());
    assert.equal((await app.inject('/ok')).statusCode, 200);
    assert.equal(raw.length, 1);
    const line = JSON.parse(raw[0] as string);
    assert.equal(line.msg, 'slow request');
    assert.equal(line.level, 'warn');
    assert.equal(line.url, '/ok');
  });

  it('never writes a secret header, even in a full line', async () => {
    const { app, raw } = await baseApp();
    await app.inject({ url: '/nowhere', headers: { authorization: 'Bearer secret-token', cookie: 'sid=secret' } });
    assert.doesNotMatch(raw.join('\n'), /secret/);
  });
});
