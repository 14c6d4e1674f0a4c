/**
 * Where a Docker engine answers: `docker compose up` of docker-compose.yml through testcontainers,
 * then a user's journey through the gateway (register, log in, read the profile with the token),
 * then the forum and inventory system tests, as child test runs pointed at the containers.
 * Where none answers, reported as skipped with the reason; nothing else depends on it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DockerComposeEnvironment,
  getContainerRuntimeClient,
  type StartedDockerComposeEnvironment,
  Wait,
} from 'testcontainers';
import { freePort } from '../src/local/emulator.ts';
import { repoRoot } from '../src/paths.ts';
import type { ExternalSystem } from '../src/testing/external-system.ts';
import { runSystemTestFile, systemTestFiles } from '../src/testing/system-tests.ts';

async function engineAbsence(): Promise<string | undefined> {
  try {
    await getContainerRuntimeClient();
    return undefined;
  } catch (error) {
    return `no Docker engine answers here (${(error as Error).message}); the compose file is proven by compose.test.ts, dockerfile.test.ts and container-entry.test.ts instead`;
  }
}

const skip = await engineAbsence();

const title = 'docker compose up, under testcontainers';
// A skipped test (not only a skipped suite) so the runner counts and reports it as skipped.
if (skip) test(title, { skip }, () => {});
else
  describe(title, () => {
    let environment: StartedDockerComposeEnvironment | undefined;
    let gatewayUrl = '';
    let composed: ExternalSystem | undefined;

    before(async () => {
      const port = await freePort();
      const emulatorPort = await freePort();
      environment = await new DockerComposeEnvironment(repoRoot, 'docker-compose.yml')
        .withBuild()
        .withEnvironment({ AGORA_GATEWAY_PORT: String(port), AGORA_EMULATOR_PORT: String(emulatorPort) })
        .withWaitStrategy('gateway-1', Wait.forHealthCheck())
        .withStartupTimeout(600_000)
        .up();
      gatewayUrl = `http://127.0.0.1:${port}`;
      // compose's bootstrap names every resource under the prefix `agora`.
      composed = { gatewayUrl, endpoint: `http://127.0.0.1:${emulatorPort}`, prefix: 'agora' };
    });
    after(() => environment?.down({ removeVolumes: true }));

    test('a user registers, logs in and reads their profile through the gateway', async () => {
      const username = `compose_${Date.now()}`;
      const password = 'correct horse battery';
      const registered = await fetch(`${gatewayUrl}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password, displayName: 'Compose User' }),
      });
      assert.equal(registered.status, 201, await registered.clone().text());
      const login = await fetch(`${gatewayUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      assert.equal(login.status, 200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      const me = await fetch(`${gatewayUrl}/api/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { username: string }).username, username);
    });

    test('the gateway publishes the JWKS the users container signs with', async () => {
      const response = await fetch(`${gatewayUrl}/.well-known/jwks.json`);
      assert.equal(response.status, 200);
      assert.ok(((await response.json()) as { keys: unknown[] }).keys.length > 0);
    });

    for (const file of systemTestFiles) {
      test(`${file} passes against the containers`, { timeout: 600_000 }, async () => {
        const run = await runSystemTestFile(file, composed as ExternalSystem);
        assert.equal(run.exitCode, 0, run.output);
      });
    }
  });
