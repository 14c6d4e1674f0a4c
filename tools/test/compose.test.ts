/**
 * docker-compose.yml against the catalogue, the config schemas, Dockerfile.base and the Compose
 * specification. No Docker engine needed: what an engine would check is checked here by reading.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseEnv, promisify } from 'node:util';
import { services as catalogueServices, imageBuildArgs, routes, type ServiceDefinition } from '@agora/catalogue';
import { upstreamVariable } from '@agora/gateway/config';
import { loadConfig, requiredVariables } from '@agora/runtime/config';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { stringify } from 'yaml';
import { zipkinVersion } from '../src/install/trace-viewer.ts';
import { bootstrap, type EmulatorResources } from '../src/local/bootstrap.ts';
import { containerEnvFile, containerEnvironment, containerUrl, envFileText } from '../src/local/container-env.ts';
import { emulatorCredentials, ensureEmulatorInstalled, venvDir } from '../src/local/emulator.ts';
import { repoRoot } from '../src/paths.ts';
import { type ComposeFile, type ComposeService, composePath, readCompose } from '../src/testing/compose-file.ts';
import { configSchemaOf } from '../src/testing/config-schemas.ts';
import { finalStage, parseDockerfile, stageEnvironment } from '../src/testing/dockerfile.ts';
import { emulatorEndpoint, uniquePrefix } from '../src/testing/testing.ts';

const run = promisify(execFile);
const compose = await readCompose();
const runtime = finalStage(parseDockerfile(await readFile(`${repoRoot}Dockerfile.base`, 'utf8')));
const services: readonly ServiceDefinition[] = catalogueServices;
const routed = [...new Set<string>(routes.map((rule) => rule.service))];

function container(name: string): ComposeService {
  const found = compose.services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}" (the catalogue names it)`);
  return found;
}

/** Clients that send to http://moto:<port>, resolved to the local emulator, as a container would. */
function clientsThroughHostname(endpoint: string, hostname: string) {
  const url = new URL(endpoint);
  const agent = new Agent({
    lookup: ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
      options.all ? callback(null, [{ address: url.hostname, family: 4 }]) : callback(null, url.hostname, 4)) as never,
  });
  const common = {
    region: emulatorCredentials.AWS_REGION,
    endpoint: `http://${hostname}:${url.port}`,
    credentials: { accessKeyId: 'agora-local', secretAccessKey: 'agora-local' },
    requestHandler: { httpAgent: agent },
  };
  const clients = {
    dynamo: new DynamoDBClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    sns: new SNSClient(common),
    sqs: new SQSClient(common),
  };
  return {
    clients,
    endpoint: common.endpoint,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

let deployment: EmulatorResources;

before(async () => {
  const endpoint = await emulatorEndpoint();
  const through = clientsThroughHostname(endpoint, 'moto');
  after(() => through.destroy());
  deployment = await bootstrap(through.clients, uniquePrefix('compose'));
});

describe('docker-compose.yml', () => {
  test('every service and worker in the catalogue has a container built from Dockerfile.base with its entry', () => {
    for (const service of services) {
      const build = container(service.name).build;
      assert.ok(build, `${service.name} is not built`);
      assert.equal(build.dockerfile, 'Dockerfile.base', service.name);
      assert.equal(build.context, '.', service.name);
      assert.deepEqual(
        { ...build.args },
        { ...imageBuildArgs(service) },
        `${service.name}'s build arguments must be the catalogue's (imageBuildArgs)`,
      );
    }
  });

  test('each container runs Node with its catalogue nodeOptions', () => {
    for (const service of services) {
      assert.equal(
        container(service.name).environment?.NODE_OPTIONS,
        service.nodeOptions,
        `${service.name}'s NODE_OPTIONS must be the catalogue's nodeOptions`,
      );
    }
  });

  test("each container's environment supplies every variable its service's config schema requires", async () => {
    const signingKey = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\n-----END PRIVATE KEY-----\n';
    for (const service of services) {
      const schema = await configSchemaOf(service);
      const spec = container(service.name);
      const envFile = parseEnv(envFileText(containerEnvironment(service, deployment, signingKey)));
      const environment = {
        ...stageEnvironment(runtime, spec.build?.args ?? {}),
        ...envFile,
        ...spec.environment,
      };
      const missing = requiredVariables(schema).filter((name) => !environment[name]);
      assert.deepEqual(missing, [], `${service.name} would start without ${missing.join(', ')}`);
      // Not just present: the values pass the service's own validation.
      assert.doesNotThrow(() => loadConfig(schema, environment), service.name);
      assert.equal(environment.PORT, String(service.containerPort), `${service.name} listens on its containerPort`);
    }
  });

  test('each container reads its own environment file, read-only, and only its own', () => {
    const folder = containerEnvFile.slice(0, containerEnvFile.lastIndexOf('/'));
    const bootstrapMount = container('bootstrap').volumes?.find((volume) => volume.target === folder);
    assert.ok(bootstrapMount?.source, 'the bootstrap writes the environment files into a volume');
    for (const service of services) {
      const mount = container(service.name).volumes?.find((volume) => volume.target === folder);
      assert.ok(mount, `${service.name} does not mount ${folder}`);
      assert.equal(mount.source, bootstrapMount.source, service.name);
      assert.equal(mount.read_only, true, service.name);
      assert.equal(mount.volume?.subpath, service.name, `${service.name} must see only its own file`);
    }
    assert.equal(container('bootstrap').environment?.AGORA_ENV_DIR, folder);
  });

  test("the gateway is on :8080 and routes to every service the catalogue's routes name", () => {
    const gateway = services.find((service) => service.kind === 'gateway');
    assert.ok(gateway);
    const spec = container(gateway.name);
    assert.deepEqual(
      spec.ports,
      [`\${AGORA_GATEWAY_PORT:-8080}:${gateway.containerPort}`],
      'published on 8080 by default',
    );
    const env = containerEnvironment(gateway, deployment, 'unused');
    for (const name of routed) {
      const target = services.find((service) => service.name === name);
      assert.ok(target, `a route names "${name}", which is not a catalogue service`);
      assert.equal(env[upstreamVariable(name)], containerUrl(target));
      assert.ok(compose.services[name], `the gateway routes to "${name}", which has no container`);
      assert.equal(
        spec.depends_on?.[name]?.condition,
        'service_healthy',
        `the gateway waits for ${name} to be healthy`,
      );
    }
  });

  test('start order: emulator healthy → bootstrap completed → services', () => {
    assert.equal(container('bootstrap').depends_on?.moto?.condition, 'service_healthy');
    assert.ok(container('moto').healthcheck?.test, 'the emulator has a health check');
    for (const service of services) {
      assert.equal(
        container(service.name).depends_on?.bootstrap?.condition,
        'service_completed_successfully',
        service.name,
      );
      assert.notEqual(
        container(service.name).healthcheck?.disable,
        true,
        `${service.name} keeps the image's HEALTHCHECK`,
      );
    }
  });

  test('every container is hardened: read-only root, tmpfs /tmp, no capabilities, no privilege escalation', () => {
    for (const [name, spec] of Object.entries(compose.services)) {
      assert.equal(spec.read_only, true, name);
      assert.deepEqual(spec.tmpfs, ['/tmp'], name);
      assert.deepEqual(spec.cap_drop, ['ALL'], name);
      assert.ok(spec.security_opt?.includes('no-new-privileges:true'), name);
    }
  });

  test('workers can be scaled: no fixed container name, no published port', () => {
    for (const service of services) {
      if (service.kind !== 'worker') continue;
      assert.equal(container(service.name).container_name, undefined, service.name);
      assert.equal(container(service.name).ports, undefined, service.name);
    }
    for (const [name, spec] of Object.entries(compose.services)) assert.equal(spec.container_name, undefined, name);
  });

  test('the emulator image is the moto version the tests run against', async () => {
    const requirements = await readFile(`${repoRoot}tools/emulator/requirements.txt`, 'utf8');
    const version = /^moto\[server\]==(\S+)$/m.exec(requirements)?.[1];
    assert.ok(version);
    assert.equal(container('moto').image, `motoserver/moto:${version}`);
  });

  test("the traces profile's viewer is the Zipkin release `npm run up -- --traces` runs, waited for only when on", async () => {
    const viewer = container('zipkin');
    assert.deepEqual(viewer.profiles, ['traces']);
    const dockerfile = await readFile(`${repoRoot}${viewer.build?.context}/Dockerfile`, 'utf8');
    assert.equal(/^ARG ZIPKIN_VERSION=(\S+)$/m.exec(dockerfile)?.[1], zipkinVersion);
    assert.deepEqual(container('bootstrap').depends_on?.zipkin, { condition: 'service_healthy', required: false });
    assert.equal(container('bootstrap').environment?.AGORA_TRACE_VIEWER, 'http://zipkin:9411');
    for (const service of services) assert.equal(container(service.name).profiles, undefined, service.name);
  });

  test('queue URLs carry the host the bootstrap used, which every container resolves', () => {
    const endpoint = new URL(container('users').environment?.AWS_ENDPOINT_URL ?? '');
    assert.equal(endpoint.hostname, 'moto', 'containers reach the emulator by its compose service name');
    const bootstrapEndpoint = new URL(container('bootstrap').environment?.AWS_ENDPOINT_URL ?? '');
    assert.equal(bootstrapEndpoint.host, endpoint.host, 'the bootstrap and the services use the same endpoint');
    assert.ok(Object.keys(deployment.queueUrls).length > 0);
    for (const url of [...Object.values(deployment.queueUrls), ...Object.values(deployment.deadLetterQueueUrls)]) {
      assert.equal(new URL(url).hostname, 'moto', `${url} must name the host the request used`);
    }
  });

  describe('validates against the Compose specification', () => {
    const validator = `${venvDir}/bin/check-jsonschema`;
    const validate = async (path: string) => {
      try {
        await run(validator, ['--builtin-schema', 'vendor.compose-spec', path]);
        return { ok: true, output: '' };
      } catch (error) {
        const failure = error as { stdout?: string; stderr?: string };
        return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
      }
    };
    before(() => ensureEmulatorInstalled());

    test('docker-compose.yml is valid', async () => {
      const result = await validate(composePath);
      assert.ok(result.ok, result.output);
    });

    test('and the validator does reject a misspelt key', async () => {
      const broken: ComposeFile = {
        ...compose,
        services: { ...compose.services, users: { ...container('users'), readonly: true } as ComposeService },
      };
      const path = join(tmpdir(), `${uniquePrefix('compose')}.yml`);
      await writeFile(path, stringify(broken));
      const result = await validate(path);
      assert.equal(result.ok, false);
      assert.match(result.output, /readonly/);
    });
  });
});
