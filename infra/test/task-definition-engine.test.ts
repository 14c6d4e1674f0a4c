/**
 * Where a Docker engine answers: every image runs as its synthesized ECS task definition says.
 * For each deployed service the container definition of the CDK app's template gives the command
 * and entry point (absent: the image's own, as on ECS), the user, the read-only root, the port,
 * the environment and secret names and the health check; the built image is started with exactly
 * those on a docker network with moto's image, each variable holding what the local deployment
 * has for that name (literal values from the template as they are). The only additions are what
 * the task role and the VPC give on AWS: the emulator's endpoint and credentials.
 * Then: each API answers its target group's health check and each worker its container health
 * check; the worker loads a CSV file uploaded to the bucket; inventory serves no page at `/`.
 * The images are built once, by compose, from a fresh-clone context, and removed at the end.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { extraCaFile, pinnedImages } from '@agora/tools/install/offline-images';
import { generateSigningKeyPem } from '@agora/tools/local/dev-key';
import { emulatorCredentials } from '@agora/tools/local/emulator';
import { emulatorClients } from '@agora/tools/local/emulator-clients';
import {
  ComposeProject,
  docker,
  engineAbsence,
  freshCloneContext,
  runEmulatorContainer,
  uniqueProjectName,
} from '@agora/tools/testing/engine';
import { runCommand } from '@agora/tools/testing/run-command';
import { eventually } from '@agora/tools/wait';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { deployedServices, jwksPath, platformCatalogue, tokenIssuer } from '../src/catalogue.ts';
import { synthesize } from './helpers.ts';

const pinned = await pinnedImages();
const skip = await engineAbsence([pinned.node.tag, pinned.moto.tag]);
const catalogue = platformCatalogue();
const services = deployedServices(catalogue);
const region = 'us-east-1';

/** The parts of an ECS container definition a container engine can honour. */
interface ContainerDefinition {
  readonly Name: string;
  readonly Command?: string[];
  readonly EntryPoint?: string[];
  readonly User?: string;
  readonly ReadonlyRootFilesystem?: boolean;
  readonly PortMappings?: { ContainerPort: number }[];
  readonly Environment?: { Name: string; Value: unknown }[];
  readonly Secrets?: { Name: string; ValueFrom: unknown }[];
  readonly HealthCheck?: { Command: string[]; Interval?: number; Retries?: number; StartPeriod?: number };
  readonly StopTimeout?: number;
}

interface Probe {
  readonly container: ContainerDefinition;
  /** the target group's health check path, for a service behind the load balancer */
  readonly targetHealthPath?: string;
}

/** Each service's container definition, and its target group's health check path when it has one. */
function taskDefinitions(): Map<string, Probe> {
  const { services: template } = synthesize().templates;
  const containers = new Map<string, { id: string; container: ContainerDefinition }>();
  for (const [id, resource] of Object.entries(template.findResources('AWS::ECS::TaskDefinition'))) {
    // The ADOT collector sidecar is left out (its public ECR image is out of reach offline): the
    // service then exports its spans to a port nobody listens on, which must not hurt it.
    const definitions = (resource.Properties.ContainerDefinitions as ContainerDefinition[]).filter(
      (definition) => definition.Name !== 'otel-collector',
    );
    assert.equal(definitions.length, 1, `${id} has one service container`);
    const [container] = definitions as [ContainerDefinition];
    containers.set(container.Name, { id, container });
  }
  const targetGroups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup');
  const probes = new Map<string, Probe>();
  for (const [name, { container }] of containers) {
    let targetHealthPath: string | undefined;
    for (const ecsService of Object.values(template.findResources('AWS::ECS::Service'))) {
      for (const balancer of (ecsService.Properties.LoadBalancers ?? []) as {
        ContainerName: string;
        TargetGroupArn: { Ref: string };
      }[]) {
        if (balancer.ContainerName !== name) continue;
        const group = targetGroups[balancer.TargetGroupArn.Ref]?.Properties;
        assert.ok(group, `the target group of ${name}`);
        assert.equal(group.HealthCheckPort ?? 'traffic-port', 'traffic-port');
        targetHealthPath = group.HealthCheckPath as string;
      }
    }
    probes.set(name, { container, targetHealthPath });
  }
  return probes;
}

/** `docker run` arguments for exactly what the container definition says. */
function runArguments(
  container: ContainerDefinition,
  image: string,
  values: (name: string, templateValue: unknown) => string,
  extra: string[],
): string[] {
  const args = ['run', '--detach', '--name', extra[0] as string, ...extra.slice(1)];
  if (container.User) args.push('--user', container.User);
  if (container.ReadonlyRootFilesystem) args.push('--read-only');
  for (const port of container.PortMappings ?? []) args.push('--publish', `127.0.0.1::${port.ContainerPort}`);
  for (const variable of container.Environment ?? [])
    args.push('--env', `${variable.Name}=${values(variable.Name, variable.Value)}`);
  for (const secret of container.Secrets ?? [])
    args.push('--env', `${secret.Name}=${values(secret.Name, secret.ValueFrom)}`);
  if (container.StopTimeout) args.push('--stop-timeout', String(container.StopTimeout));
  if (container.EntryPoint) args.push('--entrypoint', container.EntryPoint[0] as string);
  args.push(image, ...(container.EntryPoint?.slice(1) ?? []), ...(container.Command ?? []));
  return args;
}

const title = 'each image, started as its ECS task definition says';
if (skip) test(title, { skip }, () => {});
else
  describe(title, () => {
    const runId = uniqueProjectName('taskdef');
    const label = `agora.test-run=${runId}`;
    let project: ComposeProject | undefined;
    let removeContext: (() => Promise<void>) | undefined;
    let probes = new Map<string, Probe>();
    let endpoint = '';
    let deploymentEnv: Record<string, string> = {};
    let valuesFor: (service: string) => (name: string, templateValue: unknown) => string = () => () => '';
    const started = new Map<string, string>();
    /** `docker run` arguments: on the run's network, with the emulator's endpoint and credentials (what the task role and the VPC give on AWS). */
    const onTheNetwork = () => [
      '--label',
      label,
      '--network',
      runId,
      '--env',
      'AWS_ENDPOINT_URL=http://moto:5000',
      ...Object.entries(emulatorCredentials).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
    ];

    before(
      async () => {
        const context = await freshCloneContext();
        removeContext = context.remove;
        const ca = extraCaFile();
        project = new ComposeProject({
          name: runId,
          dir: context.dir,
          variables: ca ? { AGORA_EXTRA_CA: ca } : {},
        });
        const building = project.run(['build', 'bootstrap', ...services.map((service) => service.name)], 900_000);
        probes = taskDefinitions();
        await building;

        await docker(['network', 'create', '--label', label, runId]);
        endpoint = await runEmulatorContainer({ name: `${runId}-moto`, image: pinned.moto.tag, network: runId, label });
        // The bootstrap on the network (queue URLs carry the host its requests used): it prints the
        // resource variables of the deployment it made.
        const printed = await docker(
          ['run', '--rm', ...onTheNetwork(), '--env', `AWS_REGION=${region}`, project.imageOf('bootstrap')],
          { timeoutMs: 120_000 },
        );
        deploymentEnv = Object.fromEntries(
          printed.split('\n').flatMap((line) => {
            const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
            return match ? [[match[1] as string, match[2] as string]] : [];
          }),
        );
        assert.ok(Object.keys(deploymentEnv).length > 0, printed);

        const issuer = tokenIssuer(catalogue);
        const local: Record<string, string> = {
          ...deploymentEnv,
          AWS_REGION: region,
          JWT_PRIVATE_KEY: generateSigningKeyPem(),
          ...(issuer ? { JWKS_URL: `http://${issuer.name}:${issuer.containerPort}${jwksPath}` } : {}),
        };
        const values = (service: string) => (name: string, templateValue: unknown) => {
          if (typeof templateValue === 'string') return templateValue;
          const value = local[name];
          if (value === undefined)
            throw new Error(`${service}'s task definition names ${name}, which the local deployment has no value for`);
          return value;
        };
        valuesFor = values;
        for (const service of services) {
          const probe = probes.get(service.name);
          assert.ok(probe, `a task definition for ${service.name}`);
          const name = `${runId}-${service.name}`;
          await docker(
            runArguments(probe.container, project.imageOf(service.name), values(service.name), [
              name,
              '--network-alias',
              service.name,
              // What the task role and the VPC give on AWS.
              ...onTheNetwork(),
            ]),
          );
          started.set(service.name, name);
        }
      },
      { timeout: 900_000 },
    );

    after(
      async () => {
        const containers = (await docker(['container', 'ls', '--all', '--quiet', '--filter', `label=${label}`]))
          .split('\n')
          .filter(Boolean);
        if (containers.length > 0) await docker(['rm', '--force', '--volumes', ...containers]);
        await docker(['network', 'rm', runId]).catch(() => {});
        await project?.down();
        await removeContext?.();
        const left = await project?.leftovers();
        const ours = (await docker(['container', 'ls', '--all', '--quiet', '--filter', `label=${label}`])).trim();
        assert.deepEqual({ ...left, ours }, { containers: [], images: [], volumes: [], networks: [], ours: '' });
      },
      { timeout: 300_000 },
    );

    for (const service of services) {
      test(`${service.name} answers its health check`, { timeout: 180_000 }, async () => {
        const probe = probes.get(service.name) as Probe;
        const name = started.get(service.name) as string;
        if (probe.targetHealthPath) {
          await answersTargetHealthCheck(name, probe);
        } else {
          assert.ok(probe.container.HealthCheck, `${service.name} has no load balancer, so it checks itself`);
          const [form, ...command] = probe.container.HealthCheck.Command;
          const exec = form === 'CMD-SHELL' ? ['sh', '-c', command.join(' ')] : command;
          assert.equal(form === 'CMD' || form === 'CMD-SHELL', true, `health check form ${form}`);
          const code = await eventually(
            () =>
              docker(['exec', name, ...exec]).then(
                () => 0,
                () => 1,
              ),
            (exit) => exit === 0,
            60_000,
          );
          assert.equal(code, 0, `${exec.join(' ')}\n${await logs(name)}`);
        }
        const [inspected] = JSON.parse(await docker(['inspect', name])) as [
          { State: { Running: boolean }; Config: { User: string }; HostConfig: { ReadonlyRootfs: boolean } },
        ];
        assert.equal(inspected.State.Running, true);
        // As the task definition says, and it says: not root, nothing written to the image's filesystem.
        assert.equal(inspected.HostConfig.ReadonlyRootfs, probe.container.ReadonlyRootFilesystem === true);
        assert.equal(inspected.Config.User, probe.container.User ?? '');
        assert.equal(probe.container.ReadonlyRootFilesystem, true, `${service.name} has a read-only root`);
        assert.match(
          String(probe.container.User),
          /^[1-9]\d*:[1-9]\d*$/,
          `${service.name} runs as a numeric non-root user`,
        );
      });
    }

    /**
     * Starts one more task of `service` as its task definition says, plus `env`, until its target
     * health check answers 200; its RSS then (the node process's VmRSS) and, once stopped, its log.
     */
    async function extraTask(service: string, suffix: string, env: string[]) {
      const probe = probes.get(service) as Probe;
      const name = `${runId}-${service}-${suffix}`;
      await docker(
        runArguments(probe.container, project?.imageOf(service) as string, valuesFor(service), [
          name,
          ...onTheNetwork(),
          ...env.flatMap((variable) => ['--env', variable]),
        ]),
      );
      await answersTargetHealthCheck(name, probe);
      // PID 1 is tini; the service is its one child running the node binary.
      const rss = await docker([
        'exec',
        name,
        'sh',
        '-c',
        'node=$(command -v node); for dir in /proc/[0-9]*; do if [ "$(readlink "$dir/exe")" = "$node" ]; then sed -n "s/^VmRSS:[^0-9]*\\([0-9]*\\) kB/\\1/p" "$dir/status"; fi; done',
      ]);
      assert.match(rss.trim(), /^\d+$/, `one node process's VmRSS in kB, found ${JSON.stringify(rss)}`);
      await docker(['stop', name], { timeoutMs: 60_000 });
      // The service's own output: stdout and stderr (where Node writes its diagnostics).
      const { stdout, stderr } = await runCommand('docker', ['logs', name], { timeoutMs: 30_000 });
      const log = `${stdout}${stderr}`;
      return { rssMegabytes: Number(rss.trim()) / 1024, log };
    }

    test("an API task starts from the image's compile cache: no module of its own compiled again, and less RSS than without it", {
      timeout: 240_000,
    }, async (t) => {
      const api = services.find((service) => probes.get(service.name)?.targetHealthPath) as { name: string };
      // Node's compile-cache diagnostics (stderr): one line per module read, missed or not written.
      const cached = await extraTask(api.name, 'cached', ['NODE_DEBUG_NATIVE=COMPILE_CACHE']);
      const uncached = await extraTask(api.name, 'uncached', ['NODE_DISABLE_COMPILE_CACHE=1']);
      t.diagnostic(
        `${api.name} RSS at ready: ${cached.rssMegabytes.toFixed(1)} MB with the cache, ${uncached.rssMegabytes.toFixed(1)} MB without`,
      );
      const lines = cached.log.split('\n');
      const read = lines.filter((line) =>
        /^\[compile cache\] reading cache from \/app\/.node-compile-cache\/.* for StrippedTypeScript file:\/\/\/app\/.*success/.test(
          line,
        ),
      );
      assert.ok(read.length > 20, `its TypeScript modules are read from the cache:\n${cached.log.slice(-3000)}`);
      // A TypeScript module the cache misses is stripped again: Node then loads its stripper (~17 MB).
      const missed = lines.filter((line) =>
        /no transpile cache for StrippedTypeScript|StrippedTypeScript .*failed/.test(line),
      );
      assert.deepEqual(missed, [], 'every TypeScript module it loads comes from the cache');
      assert.ok(
        cached.rssMegabytes < uncached.rssMegabytes - 10,
        `RSS at ready ${cached.rssMegabytes} MB with the cache against ${uncached.rssMegabytes} MB without`,
      );
    });

    test('the worker loads a CSV file uploaded to the bucket', { timeout: 120_000 }, async () => {
      const clients = emulatorClients(endpoint);
      after(() => clients.destroy());
      const bucket = deploymentEnv.UPLOADS_BUCKET as string;
      const table = deploymentEnv.INVENTORY_TABLE as string;
      const store = `Taskdef-${runId.slice(-8)}`;
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${store}.csv`,
          Body: `store,item,count\n${store},Kindle,7\n${store},Echo Dot,12\n`,
        }),
      );
      const rows = await eventually(
        async () => {
          const page = await clients.documents.send(new ScanCommand({ TableName: table }));
          return (page.Items ?? [])
            .filter((item) => item.store === store)
            .map((item) => `${item.item}=${item.count}`)
            .sort();
        },
        (found) => found.length === 2,
        60_000,
      );
      assert.deepEqual(rows, ['Echo Dot=12', 'Kindle=7'], await logs(started.get('inventory-worker') as string));
    });

    test('the inventory service serves no page (the web app is CloudFront and S3, the gateway locally): / is a 404 problem', async () => {
      const probe = probes.get('inventory') as Probe;
      const port = probe.container.PortMappings?.[0]?.ContainerPort;
      const address = (await docker(['port', started.get('inventory') as string, `${port}/tcp`])).trim().split('\n')[0];
      const page = await fetch(`http://${address}/`);
      assert.equal(page.status, 404);
      assert.match(String(page.headers.get('content-type')), /problem\+json/);
    });

    test('each container ends by itself on SIGTERM (exit 0) inside its stopTimeout', {
      timeout: 300_000,
    }, async (t) => {
      // Started with --stop-timeout from the task definition: past it the engine kills (exit 137).
      const names = [...started.values()];
      await Promise.all(names.map((name) => docker(['stop', name], { timeoutMs: 200_000 })));
      for (const name of names) {
        const [{ State }] = JSON.parse(await docker(['inspect', name])) as [{ State: { ExitCode: number } }];
        t.diagnostic(`${name} exited ${State.ExitCode}`);
        assert.equal(State.ExitCode, 0, `${name} exited ${State.ExitCode}\n${await logs(name)}`);
      }
    });
  });

/** Waits (at most 60 s) for container `name` to answer its target group's health check with 200. */
async function answersTargetHealthCheck(name: string, probe: Probe): Promise<void> {
  const port = probe.container.PortMappings?.[0]?.ContainerPort;
  const address = (await docker(['port', name, `${port}/tcp`])).trim().split('\n')[0] as string;
  const url = `http://${address}${probe.targetHealthPath}`;
  const status = await eventually(
    () =>
      fetch(url).then(
        (response) => response.status,
        () => 0,
      ),
    (answer) => answer === 200,
    60_000,
  );
  assert.equal(status, 200, `${url}\n${await logs(name)}`);
}

async function logs(container: string): Promise<string> {
  const result = await docker(['logs', '--tail', '40', container]).catch((error: Error) => error.message);
  return result;
}
