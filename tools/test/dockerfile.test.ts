/** Dockerfile.base and .dockerignore, read: what the final image is, runs as and starts. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { matchesGlob } from 'node:path';
import { describe, test } from 'node:test';
import {
  services as catalogueServices,
  containerSettings,
  imageBuildArgs,
  type ServiceDefinition,
} from '@agora/catalogue';
import { type Lockfile, workspaceClosure } from '../src/image-build/closure.ts';
import { containerEnvFile } from '../src/local/container-env.ts';
import { repoRoot } from '../src/paths.ts';
import { readCompose } from '../src/testing/compose-file.ts';
import {
  execForm,
  finalStage,
  parseDockerfile,
  runtimeBaseStage,
  stageEnvironment,
} from '../src/testing/dockerfile.ts';

const services: readonly ServiceDefinition[] = catalogueServices;
const dockerfile = parseDockerfile(await readFile(`${repoRoot}Dockerfile.base`, 'utf8'));
const runtime = finalStage(dockerfile);
const runtimeBase = runtimeBaseStage(dockerfile);
const lock = JSON.parse(await readFile(`${repoRoot}package-lock.json`, 'utf8')) as Lockfile;
const rootManifest = JSON.parse(await readFile(`${repoRoot}package.json`, 'utf8'));
const only = (keyword: string) => runtime.instructions.filter((instruction) => instruction.keyword === keyword);
const last = (keyword: string) => only(keyword).at(-1);

describe('Dockerfile.base: the final stage', () => {
  test('starts from a Node 24 slim image pinned to the exact Node version the tests run on', () => {
    const match = /^node:(\d+\.\d+\.\d+)-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/.exec(runtimeBase.base);
    assert.ok(match, `${runtimeBase.base} is not a pinned node:<x.y.z>-<debian>-slim tag`);
    assert.equal(match[1], rootManifest.devDependencies.node, 'the image and `npm test` must run the same Node');
    assert.match(match[1] as string, /^24\./);
  });

  test('runs as a non-root user, by number', () => {
    const user = last('USER');
    assert.ok(user, 'no USER in the final stage');
    const [uid] = user.args.split(':');
    assert.match(uid ?? '', /^\d+$/);
    assert.notEqual(Number(uid), 0);
    const cmdLine = last('CMD')?.line ?? 0;
    assert.ok(user.line < cmdLine, 'USER comes before the start command');
  });

  test("writes Node's compile cache as the user every task runs as (Node keeps one cache per uid)", () => {
    const user = last('USER');
    assert.equal(user?.args, containerSettings.user, "the image's user is the catalogue's containerSettings.user");
    const cacheDir = stageEnvironment(runtime, {}).NODE_COMPILE_CACHE;
    assert.ok(cacheDir, 'NODE_COMPILE_CACHE is set in the image');
    const warmUp = only('RUN').find((run) => run.args.includes('$AGORA_ENTRY'));
    assert.ok(warmUp && user && warmUp.line > user.line, 'the warm-up runs after USER, as that user');
  });

  test('has an init process as its entrypoint, installed in the image', () => {
    assert.deepEqual(execForm(last('ENTRYPOINT')), ['/usr/bin/tini', '--']);
    const runs = [...runtimeBase.instructions, ...runtime.instructions].filter((i) => i.keyword === 'RUN');
    assert.ok(runs.some((run) => /apt-get install .*\btini\b/.test(run.args)));
  });

  test('has a HEALTHCHECK on /health that needs no curl', () => {
    const healthcheck = last('HEALTHCHECK');
    assert.ok(healthcheck, 'no HEALTHCHECK');
    const command = execForm({ ...healthcheck, args: healthcheck.args.replace(/^.*?CMD\s+/, '') });
    assert.equal(command[0], 'node');
    assert.match(command.join(' '), /fetch\('http:\/\/127\.0\.0\.1:' \+ process\.env\.PORT \+ '\/health'\)/);
  });

  test('copies only from build stages (the pruned dependencies and the sources), never the whole context', () => {
    for (const copy of only('COPY')) assert.match(copy.args, /--from=/, `line ${copy.line}`);
  });

  test("starts every catalogue service's entry, which exists in the repository", async () => {
    const compose = await readCompose();
    const cmd = execForm(last('CMD')).join(' ');
    assert.ok(cmd.includes(`--env-file-if-exists=${containerEnvFile}`), 'reads the compose environment file');
    assert.ok(cmd.includes('exec node'), 'node replaces the shell, so signals reach it');
    const builds = [
      ...services.map((service) => ({ name: service.name, args: compose.services[service.name]?.build?.args ?? {} })),
      { name: 'bootstrap', args: compose.services.bootstrap?.build?.args ?? {} },
    ];
    for (const { name, args } of builds) {
      const entry = stageEnvironment(runtime, args).AGORA_ENTRY ?? '';
      assert.ok(cmd.includes('"$AGORA_ENTRY"'));
      assert.ok(existsSync(`${repoRoot}${entry}`), `${name}: ${entry} does not exist`);
    }
    for (const service of services) {
      const env = stageEnvironment(runtime, { ...imageBuildArgs(service) });
      assert.equal(env.AGORA_ENTRY, `services/${service.workspace}/${service.entry}`);
    }
  });

  test('installs production dependencies once, before any source is copied, for every service alike', () => {
    const deps = dockerfile.stages.find((stage) => stage.instructions.some((i) => /\bnpm ci\b/.test(i.args)));
    assert.ok(deps, 'no stage runs npm ci');
    const install = deps.instructions.findIndex((i) => /\bnpm ci\b/.test(i.args));
    assert.match(deps.instructions[install]?.args ?? '', /--omit=dev/);
    const before = deps.instructions.slice(0, install);
    assert.ok(
      before.every((i) => i.keyword !== 'ARG' && (i.keyword !== 'COPY' || i.args.includes('--from=manifests'))),
      'only the manifests precede the install, and no build argument invalidates it',
    );
  });
});

describe('Dockerfile.base: every stage', () => {
  test('declares each build argument it uses (an ARG does not outlive its stage)', () => {
    for (const stage of dockerfile.stages) {
      const declared = new Set<string>();
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'ARG') declared.add(instruction.args.split('=')[0]?.trim() ?? '');
        for (const match of instruction.args.matchAll(/\$\{?(WORKSPACE|ENTRY|PORT)\b/g)) {
          const used = match[1] as string;
          if (instruction.keyword === 'HEALTHCHECK' || instruction.keyword === 'CMD') continue;
          assert.ok(declared.has(used), `line ${instruction.line}: ${used} is used before this stage declares it`);
        }
      }
    }
  });
});

describe("each image's contents", () => {
  test('a service image holds its workspace and the shared package, without dev dependencies', () => {
    const devOnly = Object.keys(rootManifest.devDependencies).map((name) => `node_modules/${name}`);
    for (const service of services) {
      const closure = workspaceClosure(lock, `services/${service.workspace}`);
      assert.ok(closure.workspaces.includes(`services/${service.workspace}`));
      assert.ok(closure.workspaces.includes('packages/runtime'), `${service.name} runs on @agora/runtime`);
      assert.ok(!closure.workspaces.includes('tools'), `${service.name} must not ship the tools`);
      for (const location of devOnly) assert.ok(!closure.packages.includes(location), `${service.name}: ${location}`);
    }
  });

  test("one service's dependencies stay out of another's image", () => {
    const users = workspaceClosure(lock, 'services/users');
    const gateway = workspaceClosure(lock, 'services/gateway');
    assert.ok(gateway.packages.includes('node_modules/undici'));
    assert.ok(!users.packages.includes('node_modules/undici'));
    assert.deepEqual(users.workspaces, ['packages/catalogue', 'packages/runtime', 'services/users']);
  });
});

describe('.dockerignore', async () => {
  const patterns = (await readFile(`${repoRoot}.dockerignore`, 'utf8'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  // A path is left out when a pattern matches it or any folder above it.
  const ignored = (path: string) =>
    path.split('/').some((_part, index, parts) => {
      const prefix = parts.slice(0, index + 1).join('/');
      return patterns.some((pattern) => matchesGlob(prefix, pattern));
    });

  test('keeps local state, secrets, tests and installed packages out of the build context', () => {
    for (const path of [
      'node_modules/fastify/package.json',
      'services/users/node_modules/x',
      '.agora/venv/bin/python',
      '.git/HEAD',
      '.env',
      'services/users/.env.local',
      'dev-key.pem',
      'services/users/test/auth.test.ts',
      'infra/cdk.out/manifest.json',
    ]) {
      assert.ok(ignored(path), `${path} would enter the build context`);
    }
  });

  test('lets in everything the build reads', () => {
    const workspaces = Object.keys(lock.packages).filter((l) => l !== '' && !l.includes('node_modules/'));
    const needed = [
      'package.json',
      'package-lock.json',
      'tools/src/image-build/closure.ts',
      'tools/src/image-build/stage.ts',
    ];
    for (const workspace of workspaces) needed.push(`${workspace}/package.json`);
    for (const service of services) needed.push(`services/${service.workspace}/${service.entry}`);
    for (const path of needed) assert.ok(!ignored(path), `${path} is needed by the build but ignored`);
  });
});
