/**
 * Each image's start command, run as-is outside Docker: /app laid out by Dockerfile.base's own
 * steps (npm ci, image-stage prune and copy-sources), the CMD run with the image's ENV and the
 * launcher's environment for that service. It must answer /ready, and stop cleanly on SIGTERM,
 * so the image's entry can't rot. (The init process, tini, is the one part left out.)
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { parseEnv } from 'node:util';
import { services as catalogueServices, resourceById, type ServiceDefinition } from '@agora/catalogue';
import { freePort } from '../src/local/emulator.ts';
import { type RunningSystem, startSystem } from '../src/local/launcher.ts';
import { repoRoot } from '../src/paths.ts';
import { readCompose } from '../src/testing/compose-file.ts';
import { execForm, finalStage, parseDockerfile, stageEnvironment } from '../src/testing/dockerfile.ts';
import { startedForTheFile } from '../src/testing/file-fixture.ts';
import { assembleImageTree, installProductionDependencies } from '../src/testing/image-tree.ts';
import { emulatorEndpoint, uniquePrefix } from '../src/testing/testing.ts';
import { waitForHttp } from '../src/wait.ts';

const services: readonly ServiceDefinition[] = catalogueServices;
const compose = await readCompose();
const runtime = finalStage(parseDockerfile(await readFile(`${repoRoot}Dockerfile.base`, 'utf8')));
const command = execForm(runtime.instructions.findLast((instruction) => instruction.keyword === 'CMD'));
/** Node 24 first on PATH, as in the image. */
const path = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;

let work: string;
let deps: string;
let system: RunningSystem | undefined;

startedForTheFile(
  async () => {
    await emulatorEndpoint();
    work = await mkdtemp(join(tmpdir(), 'agora-image-'));
    deps = join(work, 'deps');
    // Both settle before this returns, so a failed install never leaves a system nobody stops.
    const [installed, started] = await Promise.allSettled([
      installProductionDependencies(deps),
      startSystem({ prefix: uniquePrefix('entry'), gatewayPort: 0, logLevel: 'warn' }),
    ]);
    if (started.status === 'fulfilled') system = started.value;
    for (const outcome of [installed, started]) if (outcome.status === 'rejected') throw outcome.reason;
  },
  async () => {
    await system?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  },
);

function runImageCommand(app: string, env: Record<string, string>) {
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: app,
    env: { ...env, PATH: path },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: whatever the command leaves behind can be killed with it.
    detached: true,
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const killGroup = () => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  /** Waits for the command to end by itself (at most `ms`), then kills anything left in its group. */
  async function ended(ms: number) {
    const timer = setTimeout(killGroup, ms);
    const [code, signal] = await exited;
    clearTimeout(timer);
    killGroup();
    return { code, signal };
  }
  /**
   * SIGTERM as `docker stop` sends it; a clean stop is exit status 0 with nothing left running,
   * within compose's stop_grace_period (30 s: a worker lets its pending 20 s long poll end).
   */
  async function stop() {
    child.kill('SIGTERM');
    return ended(30_000);
  }
  return { child, output, ended, stop };
}

/** The first status `url` answers with (any), or a failure with the process's last output. */
async function answers(url: string, child: ChildProcess, output: string[]): Promise<number> {
  try {
    return await waitForHttp(url, {
      accept: () => true,
      giveUpIf: () => (child.exitCode !== null ? `exited with ${child.exitCode}` : undefined),
    });
  } catch (error) {
    assert.fail(`${(error as Error).message}: ${output.join('').slice(-1500)}`);
  }
}

/**
 * The final stage's environment for these build arguments, as the tree at `app` has it: a path
 * inside the image's /app (the compile cache) is that path inside the tree, so nothing is written
 * outside the test's own folder.
 */
function imageEnvironment(args: Record<string, string>, app: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(stageEnvironment(runtime, args)).map(([name, value]) => [
      name,
      value.startsWith('/app/') ? join(app, value.slice('/app/'.length)) : value,
    ]),
  );
}

/** The launcher's process for a service (workers may run as several numbered processes). */
function launcherEnvironment(service: ServiceDefinition): Record<string, string> {
  assert.ok(system, 'the launcher did not start');
  const running = system.processes.get(service.name) ?? system.processes.get(`${service.name}-1`);
  assert.ok(running, `the launcher runs no process for ${service.name}`);
  // The launcher's gateway also serves the target-group control API, on a port of its own that
  // process still holds; an image's gateway (compose) runs without one.
  const { CONTROL_PORT: _control, ...env } = running.env;
  return env;
}

describe("each image's start command, outside Docker", () => {
  for (const service of services) {
    test(`${service.name}: answers ${service.kind === 'gateway' ? '/health' : '/ready'} and stops on SIGTERM`, async () => {
      const args = compose.services[service.name]?.build?.args ?? {};
      const workspace = args.WORKSPACE ?? '';
      const app = join(work, service.name);
      await assembleImageTree(deps, workspace, app);
      const port = await freePort();
      const { child, output, stop } = runImageCommand(app, {
        ...imageEnvironment(args, app),
        ...launcherEnvironment(service),
        PORT: String(port),
      });
      try {
        // The gateway has no dependencies to be ready for: its probe is /health.
        const probe = service.kind === 'gateway' ? '/health' : '/ready';
        assert.equal(await answers(`http://127.0.0.1:${port}${probe}`, child, output), 200);
      } finally {
        assert.deepEqual(await stop(), { code: 0, signal: null }, output.join('').slice(-1500));
      }
    });
  }

  test("bootstrap: creates the resources and writes every service's environment file", async () => {
    const args = compose.services.bootstrap?.build?.args ?? {};
    const app = join(work, 'bootstrap');
    await assembleImageTree(deps, args.WORKSPACE ?? '', app);
    const envDir = join(work, 'env');
    const { output, ended } = runImageCommand(app, {
      ...imageEnvironment(args, app),
      AWS_ENDPOINT_URL: system?.endpoint ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'agora-local',
      AWS_SECRET_ACCESS_KEY: 'agora-local',
      AGORA_PREFIX: uniquePrefix('boot'),
      AGORA_ENV_DIR: envDir,
    });
    const { code } = await ended(60_000);
    assert.equal(code, 0, output.join(''));
    for (const service of services) {
      const env = parseEnv(await readFile(join(envDir, service.name, 'service.env'), 'utf8'));
      for (const use of service.uses) {
        const variable = resourceById(use.resource).env;
        assert.ok(env[variable], `${service.name}'s file lacks ${variable}`);
      }
      if (service.name === 'users') assert.match(env.JWT_PRIVATE_KEY ?? '', /^-----BEGIN PRIVATE KEY-----\n/);
    }
  });
});
