/**
 * Fuzz: schemathesis (pinned in tools/fuzz/requirements.txt) generates valid and invalid requests
 * from the merged OpenAPI document the gateway serves (/docs/json: every service, every $ref
 * resolved to its own service's schema) and sends them through the gateway, so every request takes
 * the real path. Every check schemathesis has runs on every answer (no 5xx, documented statuses,
 * media types, bodies and headers, valid input accepted and invalid input refused, 405 with Allow
 * for methods an operation lacks, auth not ignored), in every phase: the schema's examples, the
 * coverage phase (boundary values of every constraint), random fuzzing, and the stateful phase
 * (sequences of calls, chained by the document's links). Once per role a user can hold.
 * Bounded: deterministic generation (a fixed seed), FUZZ_EXAMPLES examples per operation (a few in
 * `npm test`, many in `npm run fuzz`), loopback only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
import { repoRoot, stateDir } from '../src/paths.ts';
import { emulatorEndpoint, uniquePrefix } from '../src/testing/testing.ts';
import { eventually } from '../src/wait.ts';

const run = promisify(execFile);
const examplesPerOperation = Number(process.env.FUZZ_EXAMPLES ?? 10);
const phases = ['examples', 'coverage', 'fuzzing', 'stateful'];

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

/** A user with each set of roles there is: none (a member), and each role the services check. */
const roles = { member: [], 'inventory-manager': ['inventory-manager'] } as const;

/** Removes the operations that answer a server-sent event stream; returns them as `METHOD /path`. */
function withoutEventStreams(paths: Record<string, unknown>): string[] {
  const removed: string[] = [];
  for (const [path, methods] of Object.entries(
    paths as Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>>,
  )) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!operation.responses?.['200']?.content?.['text/event-stream']) continue;
      delete methods[method];
      removed.push(`${method.toUpperCase()} ${path}`);
    }
    if (Object.keys(methods).length === 0) delete paths[path];
  }
  return removed.sort();
}

interface LinkedDocument {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses?: Responses }>>;
}
type Responses = Record<string, { links?: Record<string, { operationRef: string; parameters?: object }> }>;

/** Every link in the served document names an operation it has, and parameters that operation takes. */
function assertLinksResolve(document: LinkedDocument): void {
  let count = 0;
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        for (const [name, link] of Object.entries(response.links ?? {})) {
          count++;
          const [, targetPath = '', targetMethod = ''] = link.operationRef.match(/^#\/paths\/([^/]+)\/([a-z]+)$/) ?? [];
          const target = document.paths[targetPath.replaceAll('~1', '/').replaceAll('~0', '~')]?.[targetMethod];
          assert.ok(target, `${method} ${path} ${status} ${name}: ${link.operationRef} resolves`);
          for (const parameter of Object.keys(link.parameters ?? {})) {
            const [where, parameterName] = parameter.includes('.') ? parameter.split('.') : ['path', parameter];
            if (where === 'header') continue;
            assert.ok(
              target.parameters?.some((p) => p.name === parameterName && p.in === where),
              `${name}: ${link.operationRef} takes the ${where} parameter ${parameterName}`,
            );
          }
        }
      }
    }
  }
  assert.ok(count >= 10, `the document links its operations (${count} links)`);
}

/** Runs schemathesis on the merged document as one user; resolves with its exit status and report. */
async function fuzz(role: keyof typeof roles): Promise<{ code: number; output: string }> {
  const token = await tokenFor(`fuzz_${role.replaceAll('-', '_')}`.slice(0, 32), roles[role]);
  type Merged = { paths: Record<string, unknown>; 'x-unavailable'?: string[] };
  // A loaded machine can keep a service's document past the gateway's 5 s: ask again until all are in.
  const merged = await eventually(
    async () => {
      const document = await fetch(`${system.gatewayUrl}/docs/json`);
      assert.equal(document.status, 200);
      return (await document.json()) as Merged;
    },
    (document) => document['x-unavailable'] === undefined,
    60_000,
    1_000,
  );
  assert.equal(merged['x-unavailable'], undefined, 'every service documented');
  for (const service of apis) {
    assert.ok(
      Object.keys(merged.paths).some((path) => path.startsWith(`/api/${service}`)),
      `${service}'s operations are in the document`,
    );
  }
  assertLinksResolve(merged as unknown as LinkedDocument);
  // Schemathesis reads each answer to its end, and a live feed's never ends (schemathesis#3633):
  // every call would wait out the request timeout. The feeds' own tests read their streams
  // (services/inventory/test/feed.test.ts, services/topics/test/live.test.ts).
  assert.deepEqual(withoutEventStreams(merged.paths), ['GET /api/inventory/feed', 'GET /api/topics/live']);
  const file = join(workDir, `${role}.json`);
  await writeFile(file, JSON.stringify(merged));
  const args = [
    'run',
    file,
    '--url',
    system.gatewayUrl,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'all',
    // "all" includes a response-time check (10 s by default): tests do not time things (a loaded CI
    // machine is no measure; bench:load is), so its limit is the request timeout, a hang guard only
    '--max-response-time',
    '30',
    '--phases',
    phases.join(','),
    '--max-examples',
    String(examplesPerOperation),
    // A fixed seed, and no example database: each run sends the same requests.
    '--generation-deterministic',
    // Generous: in the whole test command the emulator (one DynamoDB request at a time) is shared
    // with a loaded machine; the fuzz judges answers, not speed (bench:load measures that)
    '--request-timeout',
    '30',
    '--workers',
    '1',
    '--no-color',
  ];
  try {
    const { stdout } = await run(venvBin('schemathesis'), args, {
      cwd: workDir,
      maxBuffer: 64 * 1024 * 1024,
      // positive cases carry only cursors the API issued (see the file)
      env: { ...process.env, SCHEMATHESIS_HOOKS: join(repoRoot, 'tools/fuzz/hooks.py') },
    });
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

describe('fuzzing every API through the gateway', () => {
  for (const role of Object.keys(roles) as (keyof typeof roles)[]) {
    // schemathesis bounds the run (examples per operation, a request timeout); this only backs it up
    it(`as ${role}: no server error, and every answer as documented`, { timeout: 60 * 60_000 }, async () => {
      const result = await fuzz(role);
      const report = join(stateDir, `fuzz-${role}.txt`);
      await mkdir(stateDir, { recursive: true });
      await writeFile(report, result.output);
      process.stdout.write(
        `# fuzz as ${role}: ${result.output.match(/Tested: .*/)?.[0] ?? 'no summary'} (${report})\n`,
      );
      assert.equal(result.code, 0, summary(result.output));
      assert.match(result.output, /Tested: [1-9]/, 'operations were tested');
    });
  }
});
