/**
 * Graceful shutdown of a real service process: SIGTERM while a slow request is in flight lets the
 * request finish, refuses new work, and exits 0. The slowness is real: AWS calls go through a
 * proxy that delays each one on its way to the emulator.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { serviceNamed } from '@agora/catalogue';
import { generateSigningKeyPem } from '../src/local/dev-key.ts';
import { emulatorCredentials, freePort } from '../src/local/emulator.ts';
import { resourceEnvironment } from '../src/local/service-env.ts';
import { repoRoot } from '../src/paths.ts';
import { provision } from '../src/testing/testing.ts';
import { until, waitForHttp } from '../src/wait.ts';

const deployment = await provision('stop');
let delayMs = 0;
/** Resolved when a request reaches the proxy while it is slow: the service's call is in flight. */
let slowCallArrived: () => void = () => {};
const slowAws = createServer(async (request, response) => {
  if (delayMs > 0) slowCallArrived();
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const upstream = await fetch(`${deployment.endpoint}${request.url}`, {
    method: request.method,
    headers: request.headers as Record<string, string>,
    body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
  });
  response.writeHead(upstream.status, Object.fromEntries(upstream.headers));
  response.end(Buffer.from(await upstream.arrayBuffer()));
});
slowAws.listen(0, '127.0.0.1');
await once(slowAws, 'listening');
after(() => slowAws.close());
const slowEndpoint = `http://127.0.0.1:${(slowAws.address() as { port: number }).port}`;

describe('SIGTERM', () => {
  it('finishes the in-flight request, refuses new ones, and exits 0', async () => {
    const port = await freePort();
    const service = spawn(process.execPath, ['services/users/src/server.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        ...emulatorCredentials,
        ...resourceEnvironment(serviceNamed('users'), deployment),
        AWS_ENDPOINT_URL: slowEndpoint,
        JWT_PRIVATE_KEY: generateSigningKeyPem(),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = once(service, 'exit');
    const url = `http://127.0.0.1:${port}`;
    const logLines: string[] = [];
    createInterface({ input: service.stdout }).on('line', (line) => logLines.push(line));
    await waitForHttp(`${url}/ready`, {
      giveUpIf: () => (service.exitCode !== null ? `the service exited with ${service.exitCode}` : undefined),
    });

    const inAws = new Promise<void>((resolve) => {
      slowCallArrived = resolve;
    });
    delayMs = 1500;
    const inFlight = fetch(`${url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `slow_${Date.now()}`, password: 'correct horse battery', displayName: 'Slow' }),
    });
    // Barriers, not sleeps: the request is inside its AWS call, then the shutdown has begun.
    await inAws;
    service.kill('SIGTERM');
    await until(() => logLines.some((line) => line.includes('graceful shutdown started')), 'the shutdown to begin');
    const refused = await fetch(`${url}/health`).then(
      (response) => response.status,
      () => 'connection refused',
    );

    const response = await inFlight;
    assert.equal(response.status, 201, 'the in-flight request completed');
    assert.notEqual(refused, 200, 'no new work once shutting down');
    const [code] = await exit;
    assert.equal(code, 0);
  });
});
