/**
 * Graceful shutdown of a real service process: SIGTERM while a slow request is in flight lets the
 * request finish, refuses new work, and exits 0. The slowness is real: AWS calls go through a
 * proxy that delays each one on its way to the emulator.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, describe, it } from 'node:test';
import { serviceNamed } from '@agora/catalogue';
import { generateSigningKeyPem } from '../src/local/dev-key.ts';
import { emulatorCredentials, freePort } from '../src/local/emulator.ts';
import { resourceEnvironment } from '../src/local/service-env.ts';
import { repoRoot } from '../src/paths.ts';
import { provision } from '../src/testing/testing.ts';

const deployment = await provision('stop');
let delayMs = 0;
const slowAws = createServer(async (request, response) => {
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
    for (let ready = false; !ready; ) {
      ready = await fetch(`${url}/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    delayMs = 1500;
    const inFlight = fetch(`${url}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `slow_${Date.now()}`, password: 'correct horse battery', displayName: 'Slow' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    service.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
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
