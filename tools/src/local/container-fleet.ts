/**
 * The container topology of the rolling-deploy rehearsal: each API service's image built from
 * Dockerfile.base with the catalogue's build arguments (imageBuildArgs, as buildspec.yml and
 * compose build it) under a release tag, two containers of each run as its ECS task runs (the
 * catalogue's user, read-only root and stop timeout, the task's environment names, the port
 * published on loopback only), moto's image on the same network, and the gateway on the host
 * routing to the containers' published ports as the ALB's target groups. `release(tag)` builds the
 * next release (a different image id, as a new commit would give) and makes it the revision new
 * tasks run. Every container, image and network carries the label `agora.rehearsal=<run>`;
 * `stop()` removes them all and answers what the engine still holds of the run (nothing, if clean).
 */
import {
  apiServices,
  containerSettings,
  imageBuildArgs,
  type ServiceDefinition,
  serviceNamed,
  targetGroupSettings,
} from '@agora/catalogue';
import { extraCaFile, pinnedImages } from '../install/offline-images.ts';
import { docker, freshCloneContext, runEmulatorContainer, uniqueProjectName } from '../testing/engine.ts';
import { waitForHttp } from '../wait.ts';
import { bootstrap, type EmulatorResources } from './bootstrap.ts';
import { containerEnvironment } from './container-env.ts';
import { generateSigningKeyPem } from './dev-key.ts';
import { emulatorCredentials, freePort } from './emulator.ts';
import { emulatorClients } from './emulator-clients.ts';
import { type RunningProcess, startProcess, stopProcess, waitUntilReady } from './launcher.ts';
import type { FleetTask, TaskFleet } from './rolling-deploy.ts';
import { serviceEnvironment } from './service-env.ts';
import { TargetGroupControl } from './target-group-control.ts';

export interface ContainerFleetOptions {
  readonly prefix?: string;
  readonly tasksPerService?: number;
  /** the first release's tag (the images the fleet starts on) */
  readonly initialRelease?: string;
  /** extra environment for every task (rehearsals raise the rate limits) */
  readonly serviceEnv?: Record<string, string>;
  /** extra environment for the gateway (rehearsals shorten its health checks) */
  readonly gatewayEnv?: Record<string, string>;
  readonly log?: (line: string) => void;
}

/** A task container as the engine reports it. */
export interface TaskContainer {
  readonly name: string;
  readonly service: string;
  /** the release tag it was started from */
  readonly release: string;
  readonly imageId: string;
  readonly running: boolean;
  readonly exitCode: number;
}

/** A task container the rollout stopped: how it ended, and how long `docker stop` took. */
export interface StoppedContainer {
  readonly name: string;
  readonly release: string;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly stopMs: number;
  readonly stopTimeoutMs: number;
}

/** What the engine still holds of a run, found by its label and names. */
export interface RunLeftovers {
  readonly containers: string[];
  readonly images: string[];
  readonly networks: string[];
  readonly volumes: string[];
}

export interface ContainerFleet extends TaskFleet {
  readonly runId: string;
  readonly gatewayUrl: string;
  /** each release's image id per service, in build order */
  readonly releases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly stopped: readonly StoppedContainer[];
  /** seconds each step took: building the first release, starting the fleet */
  readonly timings: Record<string, number>;
  /** builds the release's images and makes it the revision new tasks start from */
  release(tag: string): Promise<void>;
  /** every task container of the run, running or stopped */
  containers(): Promise<TaskContainer[]>;
  /** removes everything of the run; answers what is left of it (empty when clean) */
  stop(): Promise<RunLeftovers>;
}

/** How containers on the run's network reach the emulator (moto's image, by its alias). */
const emulatorInNetwork = 'http://moto:5000';
const readyTimeoutMs = 90_000;
const buildTimeoutMs = 900_000;

const lines = (text: string) => text.split('\n').filter(Boolean);

/**
 * The deployment as the containers see it: queue URLs carry the host the bootstrap's requests
 * used (moto builds them from the Host header), so the host's address of the emulator becomes
 * its address on the network. Names and ARNs do not change.
 */
export function asSeenOnNetwork(deployment: EmulatorResources, hostEndpoint: string): EmulatorResources {
  const rewrite = (values: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(values).map(([name, value]) => [name, value.replace(hostEndpoint, emulatorInNetwork)]),
    );
  return {
    ...deployment,
    env: rewrite(deployment.env),
    queueUrls: rewrite(deployment.queueUrls),
    deadLetterQueueUrls: rewrite(deployment.deadLetterQueueUrls),
  };
}

/**
 * The environment of a task: the names the ECS task definition gives (infra/src/services-stack.ts:
 * PORT, HOST, LOG_LEVEL, AWS_REGION, NODE_OPTIONS, the resources' variables, JWKS_URL, the
 * signing key's secret), plus what the task role and the VPC give on AWS: the emulator's endpoint
 * and credentials.
 */
function taskEnvironment(
  service: ServiceDefinition,
  deployment: EmulatorResources,
  signingKeyPem: string,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    PORT: String(service.containerPort),
    HOST: '0.0.0.0',
    LOG_LEVEL: 'warn',
    ...(service.nodeOptions ? { NODE_OPTIONS: service.nodeOptions } : {}),
    ...containerEnvironment(service, deployment, signingKeyPem),
    ...emulatorCredentials,
    AWS_ENDPOINT_URL: emulatorInNetwork,
    ...extra,
  };
}

export async function startContainerFleet(options: ContainerFleetOptions = {}): Promise<ContainerFleet> {
  const log = options.log ?? (() => {});
  const runId = uniqueProjectName('rehearsal');
  const label = `agora.rehearsal=${runId}`;
  const network = runId;
  const apis = apiServices();
  const tasksPerService = options.tasksPerService ?? 2;
  const stopTimeoutSeconds = containerSettings.stopTimeoutSeconds.api;
  const releases = new Map<string, Map<string, string>>();
  const stopped: StoppedContainer[] = [];
  const timings: Record<string, number> = {};
  const tasks = new Map<string, (FleetTask & { release: string })[]>(apis.map((service) => [service.name, []]));
  const counters = new Map<string, number>();
  const mounts = new Set<string>();
  let current = '';
  let gateway: RunningProcess | undefined;
  let context: { dir: string; remove: () => Promise<void> } | undefined;
  let cleaned: Promise<RunLeftovers> | undefined;

  const repository = (service: ServiceDefinition) => `${runId}-${service.name}`;

  const leftovers = async (): Promise<RunLeftovers> => {
    const filter = ['--filter', `label=${label}`];
    const images = new Set([
      ...lines(await docker(['image', 'ls', ...filter, '--format', '{{.Repository}}:{{.Tag}}'])),
      ...lines(
        await docker(['image', 'ls', '--filter', `reference=${runId}-*`, '--format', '{{.Repository}}:{{.Tag}}']),
      ),
    ]);
    const volumes = new Set(lines(await docker(['volume', 'ls', '--format', '{{.Name}}'])));
    return {
      containers: lines(await docker(['container', 'ls', '--all', ...filter, '--format', '{{.Names}}'])),
      images: [...images],
      networks: lines(await docker(['network', 'ls', ...filter, '--format', '{{.Name}}'])),
      volumes: [...mounts].filter((volume) => volumes.has(volume)),
    };
  };

  const cleanUp = async (): Promise<RunLeftovers> => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (gateway) await stopProcess(gateway);
    const containers = lines(await docker(['container', 'ls', '--all', '--quiet', '--filter', `label=${label}`]));
    for (const container of containers) {
      const [inspected] = JSON.parse(await docker(['inspect', container])) as [{ Mounts: { Name?: string }[] }];
      for (const mount of inspected.Mounts) if (mount.Name) mounts.add(mount.Name);
    }
    if (containers.length > 0) await docker(['rm', '--force', '--volumes', ...containers], { timeoutMs: 120_000 });
    await docker(['network', 'rm', network]).catch(() => {});
    const images = lines(await docker(['image', 'ls', '--filter', `label=${label}`, '--format', '{{.ID}}']));
    const tags = lines(
      await docker(['image', 'ls', '--filter', `reference=${runId}-*`, '--format', '{{.Repository}}:{{.Tag}}']),
    );
    if (tags.length > 0) await docker(['image', 'rm', '--force', ...tags]);
    const untagged = lines(await docker(['image', 'ls', '--quiet', '--filter', `label=${label}`]));
    if (untagged.length > 0)
      await docker(['image', 'rm', '--force', ...new Set([...images, ...untagged])]).catch(() => {});
    await context?.remove();
    return leftovers();
  };
  const stop = () => {
    cleaned ??= cleanUp();
    return cleaned;
  };
  // Ctrl-C (or a SIGTERM) during a rehearsal still removes what it made.
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: removing the rehearsal's containers, images and network`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const build = async (tag: string): Promise<void> => {
    const started = Date.now();
    const ca = extraCaFile();
    const ids = new Map<string, string>();
    const dir = context?.dir as string;
    // One after another: BuildKit shares the stages every image has (the npm ci of the whole
    // tree, the dashboard), and a two-core machine gains nothing from parallel builds.
    for (const service of apis) {
      const reference = `${repository(service)}:${tag}`;
      await docker(
        [
          'build',
          '--file',
          'Dockerfile.base',
          ...Object.entries(imageBuildArgs(service)).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
          ...(ca ? ['--secret', `id=extra-ca,src=${ca}`] : []),
          '--label',
          label,
          // What a new commit changes: the revision an image was built from, so its id differs.
          '--label',
          `org.opencontainers.image.revision=${tag}`,
          '--tag',
          reference,
          '.',
        ],
        { cwd: dir, env: { ...process.env, DOCKER_BUILDKIT: '1' }, timeoutMs: buildTimeoutMs },
      );
      ids.set(service.name, (await docker(['image', 'inspect', '--format', '{{.Id}}', reference])).trim());
    }
    for (const [earlier, images] of releases) {
      for (const [service, id] of ids) {
        if (images.get(service) === id) throw new Error(`${service}:${tag} is the same image as ${service}:${earlier}`);
      }
    }
    releases.set(tag, ids);
    timings[`build ${tag}`] = (Date.now() - started) / 1000;
    log(`built release ${tag}: ${[...ids].map(([service, id]) => `${service} ${id.slice(7, 19)}`).join(', ')}`);
  };

  let deployment: EmulatorResources | undefined;
  const signingKeyPem = generateSigningKeyPem();

  const startTask = async (deployable: string): Promise<FleetTask> => {
    const service = serviceNamed(deployable);
    if (!deployment) throw new Error('the fleet has no deployment yet');
    const number = (counters.get(deployable) ?? 0) + 1;
    counters.set(deployable, number);
    const name = `${runId}-${deployable}-${number}`;
    const env = taskEnvironment(service, deployment, signingKeyPem, options.serviceEnv ?? {});
    await docker([
      'run',
      '--detach',
      '--name',
      name,
      '--label',
      label,
      '--label',
      `agora.service=${deployable}`,
      '--label',
      `agora.release=${current}`,
      '--network',
      network,
      // Verifiers fetch the JWKS at users:3000, which is any users task (as compose runs them).
      '--network-alias',
      deployable,
      '--user',
      containerSettings.user,
      ...(containerSettings.readonlyRootFilesystem ? ['--read-only'] : []),
      '--publish',
      `127.0.0.1::${service.containerPort}`,
      '--stop-timeout',
      String(stopTimeoutSeconds),
      ...Object.entries(env).flatMap(([variable, value]) => ['--env', `${variable}=${value}`]),
      `${repository(service)}:${current}`,
    ]);
    const address = lines(await docker(['port', name, `${service.containerPort}/tcp`]))[0];
    if (!address) throw new Error(`${name} publishes no port`);
    const task = { name, url: `http://${address}`, release: current };
    tasks.get(deployable)?.push(task);
    return task;
  };

  const waitUntilTaskReady = async (task: FleetTask) => {
    try {
      await waitForHttp(`${task.url}${targetGroupSettings.healthCheckPath}`, { timeoutMs: readyTimeoutMs });
    } catch (error) {
      const output = await docker(['logs', '--tail', '20', task.name]).catch(() => '');
      throw new Error(`${(error as Error).message}\n${output}`);
    }
  };

  const stopTask = async (name: string): Promise<number | null> => {
    const entry = [...tasks].find(([, list]) => list.some((task) => task.name === name));
    if (!entry) throw new Error(`no task container ${name}`);
    const [deployable, list] = entry;
    const task = list.find((candidate) => candidate.name === name) as FleetTask & { release: string };
    const started = Date.now();
    // No --time: the engine waits the container's own stop timeout (the task definition's), then SIGKILLs.
    await docker(['stop', name], { timeoutMs: (stopTimeoutSeconds + 30) * 1000 });
    const stopMs = Date.now() - started;
    const [{ State }] = JSON.parse(await docker(['inspect', name])) as [
      { State: { ExitCode: number; OOMKilled: boolean } },
    ];
    tasks.set(
      deployable,
      list.filter((candidate) => candidate !== task),
    );
    stopped.push({
      name,
      release: task.release,
      exitCode: State.ExitCode,
      oomKilled: State.OOMKilled,
      stopMs,
      stopTimeoutMs: stopTimeoutSeconds * 1000,
    });
    return State.ExitCode;
  };

  try {
    const pinned = await pinnedImages();
    context = await freshCloneContext();
    current = options.initialRelease ?? 'release-a';
    await build(current);

    const started = Date.now();
    await docker(['network', 'create', '--label', label, network]);
    const hostEndpoint = await runEmulatorContainer({
      name: `${runId}-moto`,
      image: pinned.moto.tag,
      network,
      label,
    });
    const clients = emulatorClients(hostEndpoint);
    const made = await bootstrap(clients, options.prefix ?? 'agora').finally(() => clients.destroy());
    deployment = asSeenOnNetwork(made, hostEndpoint);
    log(`emulator (${pinned.moto.tag}) at ${hostEndpoint}, ${Object.keys(made.env).length} resources`);

    // One round of tasks at a time, as the launcher starts them.
    for (let round = 0; round < tasksPerService; round++) {
      const roundTasks = await Promise.all(apis.map((service) => startTask(service.name)));
      await Promise.all(roundTasks.map(waitUntilTaskReady));
    }

    const gatewayService = serviceNamed('gateway');
    const gatewayPort = await freePort();
    const controlPort = await freePort();
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const upstreams = serviceEnvironment(gatewayService, deployment, {
      urlOf: (name) => (tasks.get(name) ?? []).map((task) => task.url).join(','),
      signingKeyPem,
    });
    gateway = startProcess(
      'gateway',
      `services/${gatewayService.workspace}/${gatewayService.entry}`,
      {
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        PORT: String(gatewayPort),
        CONTROL_PORT: String(controlPort),
        ...upstreams,
        ...options.gatewayEnv,
      },
      gatewayUrl,
    );
    await waitUntilReady(gateway, '/health');
    const targetGroups = new TargetGroupControl(`http://127.0.0.1:${controlPort}`);
    await targetGroups.waitUntilReachable();
    for (const service of apis) {
      for (const task of tasks.get(service.name) ?? []) await targetGroups.waitUntilHealthy(service.name, task.url);
    }
    timings.start = (Date.now() - started) / 1000;
    log(
      `running: ${[...tasks.values()]
        .flat()
        .map((task) => task.name.slice(runId.length + 1))
        .join(', ')}, gateway at ${gatewayUrl}`,
    );

    return {
      runId,
      gatewayUrl,
      targetGroups,
      apiDeployables: new Map(apis.map((service) => [service.name, [service.name]])),
      releases,
      stopped,
      timings,
      tasksOf: (deployable) => [...(tasks.get(deployable) ?? [])],
      startTask,
      stopTask,
      async release(tag) {
        await build(tag);
        current = tag;
      },
      async containers() {
        const names = lines(
          await docker([
            'container',
            'ls',
            '--all',
            '--quiet',
            '--filter',
            `label=${label}`,
            '--filter',
            'label=agora.service',
          ]),
        );
        const ours =
          names.length === 0 ? [] : (JSON.parse(await docker(['inspect', ...names])) as InspectedContainer[]);
        return ours.map((container) => ({
          name: container.Name.replace(/^\//, ''),
          service: container.Config.Labels['agora.service'] as string,
          release: container.Config.Labels['agora.release'] as string,
          imageId: container.Image,
          running: container.State.Running,
          exitCode: container.State.ExitCode,
        }));
      },
      stop,
    };
  } catch (error) {
    const left = await stop();
    const remaining = Object.values(left).flat();
    throw remaining.length > 0
      ? new Error(`${(error as Error).message}\n(and the clean-up left ${remaining.join(', ')})`, { cause: error })
      : error;
  }
}

interface InspectedContainer {
  readonly Name: string;
  readonly Image: string;
  readonly Config: { Labels: Record<string, string> };
  readonly State: { Running: boolean; ExitCode: number };
}
