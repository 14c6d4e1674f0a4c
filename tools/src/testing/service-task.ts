/**
 * One real process of a catalogue API service against a test deployment, as ECS runs a task:
 * its own port, the environment its catalogue entry gives it, its server.ts. Tests start two to
 * show what holds across tasks. It is stopped (SIGTERM) when the test file ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after } from 'node:test';
import { serviceNamed } from '@agora/catalogue';
import { generateSigningKeyPem } from '../local/dev-key.ts';
import { emulatorCredentials, freePort } from '../local/emulator.ts';
import { serviceEnvironment } from '../local/service-env.ts';
import { repoRoot } from '../paths.ts';
import { waitForHttp } from '../wait.ts';
import type { TestDeployment } from './testing.ts';

const signingKeyPem = generateSigningKeyPem();

/** Starts a task of `service` with `env` on top of its own; resolves with its URL once it is ready. */
export async function startServiceTask(
  service: string,
  deployment: TestDeployment,
  env: Record<string, string> = {},
): Promise<string> {
  const definition = serviceNamed(service);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [`services/${definition.workspace}/${definition.entry}`], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      ...emulatorCredentials,
      // tokens are not checked by what these tests call: no issuer runs
      ...serviceEnvironment(definition, deployment, { urlOf: () => 'http://127.0.0.1:9', signingKeyPem }),
      AWS_ENDPOINT_URL: deployment.endpoint,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/ready`, {
    timeoutMs: 60_000,
    giveUpIf: () => (child.exitCode === null ? undefined : `${service} exited with ${child.exitCode}`),
  });
  return url;
}
