/**
 * buildspec.yml executed, not read: its phase commands run as CodeBuild runs them (codebuild-runner.ts:
 * bash, the buildspec's variables plus the project's IMAGE_TAG, REGISTRY and REPOSITORY_NAMESPACE,
 * in order, ABORT on failure) in a copy of the working tree, on the real engine. ECR is played by
 * Debian's `docker-registry` (the distribution registry) on a free loopback port, and the two `aws
 * ecr` calls by a stand-in on PATH that answers from that registry's HTTP API. A `docker` wrapper on
 * PATH records each call, so the test knows what was built. Then: every deployed service's image is
 * in the registry under the commit tag and starts its own catalogue entry; each
 * imagedefinitions-*.json names the pipeline's container with that image; a second run builds
 * nothing. Every tag it made is removed afterwards; the build cache stays for the next run.
 * Where no engine (or no registry binary, or no Node base image) is present: skipped, with the reason.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { imageBuildArgs } from '@agora/catalogue';
import { parse } from 'yaml';
import { codeBuildNodeImage, dockerfileNodeImage } from '../src/base-image.ts';
import { buildspecPath, imageDefinitionsFile } from '../src/buildspec.ts';
import { deployedServices, platformCatalogue } from '../src/catalogue.ts';
import { type Buildspec, runBuildspec } from './codebuild-runner.ts';
import { resourcesOfType, synthesize } from './helpers.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const spec = parse(await readFile(join(repoRoot, buildspecPath), 'utf8')) as Buildspec;
const services = deployedServices(platformCatalogue());

async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args);
    return true;
  } catch {
    return false;
  }
}

async function absence(): Promise<string | undefined> {
  if (!(await succeeds('docker', ['info']))) return 'no Docker engine answers here (`docker info` fails)';
  if (!(await succeeds('sh', ['-c', 'command -v docker-registry']))) {
    return "Debian's docker-registry (the stand-in for ECR) is not installed";
  }
  const nodeImage = dockerfileNodeImage();
  if (!(await succeeds('docker', ['image', 'inspect', nodeImage]))) {
    return `the base image ${nodeImage} is not present locally (run \`npm run images:offline\`)`;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The two ECR calls buildspec.yml makes, answered from the registry's HTTP API. */
const awsStandIn = `#!/usr/bin/env bash
set -euo pipefail
echo "aws $*" >> "$REHEARSAL_CALLS"
case "\${1:-} \${2:-}" in
  "ecr get-login-password") echo rehearsal-password ;;
  "ecr describe-images")
    shift 2; repository=''; tag=''
    while [ $# -gt 0 ]; do
      case "$1" in
        --repository-name) repository="$2"; shift 2 ;;
        --image-ids) tag="\${2#imageTag=}"; shift 2 ;;
        *) echo "aws stand-in: unexpected argument $1" >&2; exit 2 ;;
      esac
    done
    accept='application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json'
    status=$(curl -s -o /dev/null -w '%{http_code}' -I -H "Accept: $accept" "http://$REGISTRY/v2/$repository/manifests/$tag")
    if [ "$status" = 200 ]; then
      echo "{\\"imageDetails\\":[{\\"repositoryName\\":\\"$repository\\",\\"imageTags\\":[\\"$tag\\"]}]}"
    else
      echo "An error occurred (ImageNotFoundException) when calling the DescribeImages operation" >&2
      exit 254
    fi ;;
  *) echo "aws stand-in: unsupported call: aws $*" >&2; exit 2 ;;
esac
`;

const dockerWrapper = (realDocker: string) => `#!/usr/bin/env bash
echo "docker $*" >> "$REHEARSAL_CALLS"
exec ${realDocker} "$@"
`;

const skip = await absence();
const title = 'buildspec.yml, run as CodeBuild runs it, against a local registry standing in for ECR';

test('the CodeBuild runner: a failing command fails its phase, and ABORT ends the build there', async () => {
  const work = await mkdtemp(join(tmpdir(), 'agora-codebuild-runner-'));
  try {
    const result = await runBuildspec(
      {
        version: 0.2,
        env: { shell: 'bash', variables: { WORD: 'seen' } },
        phases: {
          pre_build: { 'on-failure': 'ABORT', commands: ['echo "$WORD" > first', 'false', 'echo never > second'] },
          build: { commands: ['echo never > third'] },
        },
      },
      { cwd: work, env: process.env },
    );
    assert.equal(result.succeeded, false);
    assert.deepEqual(result.phases, [{ name: 'pre_build', succeeded: false }]);
    assert.equal(await readFile(join(work, 'first'), 'utf8'), 'seen\n');
    await assert.rejects(readFile(join(work, 'second')));
    await assert.rejects(readFile(join(work, 'third')));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

if (skip) test(title, { skip }, () => {});
else
  describe(title, () => {
    let work = '';
    let source = '';
    let registry: ChildProcess | undefined;
    let registryHost = '';
    let calls = '';
    const namespace = 'agora-rehearsal';
    const imageTag = randomBytes(20).toString('hex'); // a commit id's shape
    let env: NodeJS.ProcessEnv = {};
    const imageOf = (name: string) => `${registryHost}/${namespace}/${name}:${imageTag}`;
    // The build project's NODE_IMAGE (ECR Public's mirror), here the local base under that name.
    const mirroredBase = codeBuildNodeImage();
    let mirroredBaseTagged = false;
    const callsMade = async () => (await readFile(calls, 'utf8').catch(() => '')).split('\n').filter(Boolean);

    before(async () => {
      work = await mkdtemp(join(tmpdir(), 'agora-buildspec-rehearsal-'));
      // The checkout CodeBuild would get: the working tree's tracked and new files, nothing ignored.
      source = join(work, 'source');
      const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
        cwd: repoRoot,
        maxBuffer: 16 * 1024 * 1024,
      });
      for (const file of stdout.split('\0').filter(Boolean)) {
        await mkdir(join(source, dirname(file)), { recursive: true });
        await cp(join(repoRoot, file), join(source, file)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error; // deleted in the working tree
        });
      }

      const port = await freePort();
      registryHost = `127.0.0.1:${port}`;
      const config = join(work, 'registry.yml');
      await writeFile(
        config,
        [
          'version: 0.1',
          'log: { level: warn }',
          `storage: { filesystem: { rootdirectory: ${join(work, 'registry')} }, delete: { enabled: true } }`,
          `http: { addr: "${registryHost}" }`,
        ].join('\n'),
      );
      registry = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      let registryLog = '';
      registry.stderr?.on('data', (chunk: Buffer) => {
        registryLog += chunk.toString();
      });
      let ready = false;
      for (let attempt = 0; attempt < 100 && !ready && registry.exitCode === null; attempt++) {
        ready = await fetch(`http://${registryHost}/v2/`).then(
          (response) => response.ok,
          () => false,
        );
        if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(ready, `the registry did not answer on ${registryHost}: ${registryLog}`);

      const bin = join(work, 'bin');
      await mkdir(bin);
      const { stdout: realDocker } = await run('sh', ['-c', 'command -v docker']);
      await writeFile(join(bin, 'aws'), awsStandIn);
      await writeFile(join(bin, 'docker'), dockerWrapper(realDocker.trim()));
      await chmod(join(bin, 'aws'), 0o755);
      await chmod(join(bin, 'docker'), 0o755);
      calls = join(work, 'calls.log');
      mirroredBaseTagged = !(await succeeds('docker', ['image', 'inspect', mirroredBase]));
      if (mirroredBaseTagged) await run('docker', ['tag', dockerfileNodeImage(), mirroredBase]);
      const extraCa = process.env.NODE_EXTRA_CA_CERTS;
      env = {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        // docker login's credentials go here, not into the user's ~/.docker
        DOCKER_CONFIG: join(work, 'docker-config'),
        REHEARSAL_CALLS: calls,
        IMAGE_TAG: imageTag,
        REGISTRY: registryHost,
        REPOSITORY_NAMESPACE: namespace,
        NODE_IMAGE: mirroredBase,
        ...(extraCa ? { EXTRA_CA_FILE: extraCa } : {}),
      };
    });

    after(async () => {
      const tags = services.map((service) => imageOf(service.name));
      if (mirroredBaseTagged) tags.push(mirroredBase);
      if (registryHost) await run('docker', ['image', 'rm', ...tags]).catch(() => {});
      registry?.kill('SIGTERM');
      if (registry && registry.exitCode === null) await new Promise((resolve) => registry?.once('exit', resolve));
      if (work) await rm(work, { recursive: true, force: true });
      const { stdout } = await run('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}']);
      const left = stdout
        .split('\n')
        .filter((line) => line.startsWith(`${registryHost}/`) || (mirroredBaseTagged && line === mirroredBase));
      assert.deepEqual(left, [], 'the rehearsal leaves no image tag behind');
    });

    test('the first run builds every deployed service and pushes it under the commit tag', async () => {
      const result = await runBuildspec(spec, { cwd: source, env });
      assert.ok(result.succeeded, result.output.slice(-4000));
      assert.deepEqual(
        result.phases.map((phase) => phase.name),
        ['pre_build', 'build'],
      );
      const made = await callsMade();
      const builds = made.filter((call) => call.startsWith('docker build '));
      assert.equal(builds.length, services.length);
      for (const build of builds) assert.ok(build.includes(`--build-arg NODE_IMAGE=${mirroredBase} `), build);
      assert.equal(made.filter((call) => call.startsWith('docker push ')).length, services.length);
      for (const service of services) {
        const response = await fetch(`http://${registryHost}/v2/${namespace}/${service.name}/tags/list`);
        assert.equal(response.status, 200, `${service.name} is in the registry`);
        assert.deepEqual(((await response.json()) as { tags: string[] }).tags, [imageTag]);
      }
    });

    test("each image starts its own catalogue entry on its port (the worker is not the API's image)", async () => {
      for (const service of services) {
        const { stdout } = await run('docker', [
          'image',
          'inspect',
          '--format',
          '{{json .Config}}',
          imageOf(service.name),
        ]);
        const config = JSON.parse(stdout) as { Env: string[]; ExposedPorts: Record<string, unknown>; User: string };
        const args = imageBuildArgs(service);
        assert.ok(config.Env.includes(`AGORA_ENTRY=${args.WORKSPACE}/${args.ENTRY}`), `${service.name}: ${config.Env}`);
        assert.ok(config.Env.includes(`PORT=${args.PORT}`), service.name);
        assert.deepEqual(Object.keys(config.ExposedPorts), [`${args.PORT}/tcp`], service.name);
        assert.equal(config.User, '1000:1000');
      }
    });

    test("each imagedefinitions file names its deploy action's container with the image just pushed", async () => {
      const synthesized = synthesize({ catalogue: platformCatalogue() });
      const [[, pipeline] = []] = resourcesOfType(synthesized.templates.pipeline, 'AWS::CodePipeline::Pipeline');
      const stages = (pipeline?.Properties.Stages ?? []) as {
        Actions: { ActionTypeId: { Provider: string }; Configuration: { FileName?: string } }[];
      }[];
      const deployFiles = stages
        .flatMap((stage) => stage.Actions)
        .filter((action) => action.ActionTypeId.Provider === 'ECS')
        .map((action) => action.Configuration.FileName)
        .sort();
      assert.deepEqual(deployFiles, services.map((service) => imageDefinitionsFile(service)).sort());
      assert.deepEqual([...(spec.artifacts?.files ?? [])].sort(), deployFiles);
      const containers = resourcesOfType(synthesized.templates.services, 'AWS::ECS::TaskDefinition').map(
        ([, task]) => (task.Properties.ContainerDefinitions as { Name: string }[])[0]?.Name,
      );
      for (const service of services) {
        const definitions = JSON.parse(await readFile(join(source, imageDefinitionsFile(service)), 'utf8'));
        assert.deepEqual(definitions, [{ name: service.name, imageUri: imageOf(service.name) }]);
        assert.ok(containers.includes(service.name), `${service.name} is a task definition's container`);
      }
    });

    test('a second run on the same commit skips every pushed image and builds nothing', async () => {
      await rm(calls, { force: true });
      const result = await runBuildspec(spec, { cwd: source, env });
      assert.ok(result.succeeded, result.output.slice(-4000));
      const made = await callsMade();
      assert.deepEqual(
        made.filter((call) => call.startsWith('docker build') || call.startsWith('docker push')),
        [],
      );
      for (const service of services)
        assert.ok(result.output.includes(`${service.name}:${imageTag} is already pushed`));
    });
  });
