/**
 * Fuzz: schemathesis (pinned in tools/fuzz/requirements.txt) generates valid and invalid requests
 * from each API service's own OpenAPI document and sends them through the gateway, so every request
 * takes the real path. Checked on every answer: no 5xx (not_a_server_error), a documented status
 * (status_code_conformance), the documented media type (content_type_conformance: problems are
 * application/problem+json), a body matching the documented schema (response_schema_conformance) and
 * the documented headers (response_headers_conformance). Bounded: deterministic generation (a fixed
 * seed), a few examples per operation, loopback only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { services } from '@agora/catalogue';
import { createAwsClients } from '@agora/runtime/aws';
import { createUsersRepo } from '@agora/users/users-repo';
import { pino } from 'pino';
import { ensurePythonToolsInstalled, venvBin } from '../src/install/python-tools.ts';
import { startSystem } from '../src/local/launcher.ts';
import { emulatorEndpoint, uniquePrefix } from '../src/testing/testing.ts';

const run = promisify(execFile);
const examplesPerOperation = 10;
const checks = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
];

await emulatorEndpoint();
await ensurePythonToolsInstalled();
const system = await startSystem({
  prefix: uniquePrefix('fuzz'),
  gatewayPort: 0,
  logLevel: 'warn',
  // The fuzzer exercises the routes, not the limiters (their 429s are documented and tested elsewhere).
  serviceEnv: {
    RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_ATTEMPTS_PER_MINUTE: '100000',
    LOGIN_ATTEMPTS_PER_CLIENT_PER_MINUTE: '100000',
    LOGIN_FAILURES_PER_USERNAME_PER_HOUR: '100000',
    REGISTRATIONS_PER_CLIENT_PER_HOUR: '100000',
  },
});
after(() => system.stop());
const workDir = await mkdtemp(join(tmpdir(), 'agora-fuzz-'));
after(() => rm(workDir, { recursive: true, force: true }));

async function post(path: string, body: unknown): Promise<Record<string, string>> {
  const response = await fetch(`${system.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, `${path}: ${response.status}`);
  return (await response.json()) as Record<string, string>;
}

/** Registers a user (granted `roles` by the operators' path, the table) and logs in as them. */
async function tokenFor(username: string, roles: readonly string[] = []): Promise<string> {
  const password = 'correct horse battery staple';
  const user = await post('/api/users', { username, password, displayName: `Fuzz ${username}` });
  if (roles.length > 0) {
    const clients = createAwsClients(
      { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: system.endpoint },
      pino({ level: 'silent' }),
    );
    const users = createUsersRepo(clients.documents, system.deployment.env.USERS_TABLE as string);
    for (const role of roles) await users.setRole(user.userId as string, role, true);
    clients.destroy();
  }
  return (await post('/api/auth/login', { username, password })).accessToken as string;
}

const memberToken = await tokenFor('fuzz_member');
const managerToken = await tokenFor('fuzz_manager', ['inventory-manager']);
const tokenForService: Record<string, string> = { inventory: managerToken };

/** Runs schemathesis on the service's document; resolves with its exit status and report. */
async function fuzz(service: string): Promise<{ code: number; output: string }> {
  const running = system.processes.get(service);
  assert.ok(running, `${service} is running`);
  const document = await fetch(`${running.url}/openapi.json`);
  assert.equal(document.status, 200);
  const file = join(workDir, `${service}.json`);
  await writeFile(file, await document.text());
  const args = [
    'run',
    file,
    '--url',
    system.gatewayUrl,
    '--header',
    `Authorization: Bearer ${tokenForService[service] ?? memberToken}`,
    '--checks',
    checks.join(','),
    '--max-examples',
    String(examplesPerOperation),
    // A fixed seed, and no example database: each run sends the same requests.
    '--generation-deterministic',
    '--request-timeout',
    '10',
    '--workers',
    '1',
    '--no-color',
  ];
  try {
    const { stdout } = await run(venvBin('schemathesis'), args, { cwd: workDir, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** The report's failures and summary, each line clipped (generated inputs can be very long). */
function summary(output: string): string {
  return output
    .split('\n')
    .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
    .join('\n')
    .slice(-12_000);
}

const apis = services.filter((service) => service.kind === 'api').map((service) => service.name);

describe('fuzzing each API through the gateway', () => {
  for (const service of apis) {
    it(`${service}: no server error, and every answer as documented`, async () => {
      const result = await fuzz(service);
      assert.equal(result.code, 0, summary(result.output));
      assert.match(result.output, /Tested: [1-9]/, 'operations were tested');
    });
  }
});
