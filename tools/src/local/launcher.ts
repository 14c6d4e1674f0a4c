/**
 * The whole local topology, no Docker: the emulator, every catalogue resource, each service as a
 * child process with its environment, and the gateway in front. `npm run up` and the system tests
 * both start the system through `startSystem`, so "works in tests" means "works for a user".
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { monolith, type ServiceDefinition, serviceNamed, services } from '@agora/catalogue';
import { repoRoot } from '../paths.ts';
import { waitForHttp } from '../wait.ts';
import { bootstrap, type EmulatorResources } from './bootstrap.ts';
import { generateSigningKeyPem } from './dev-key.ts';
import { emulatorCredentials, freePort, startEmulator } from './emulator.ts';
import { emulatorClients } from './emulator-clients.ts';
import {
  type ServiceLocations,
  serviceEnvironment,
  type TracesDestination,
  tracingEnvironment,
} from './service-env.ts';
import { TargetGroupControl } from './target-group-control.ts';

export interface SystemOptions {
  /** resource name prefix: `agora` for `npm run up`, unique in tests */
  readonly prefix?: string;
  /** the gateway's port: 8080 for `npm run up`, 0 (any free port) in tests */
  readonly gatewayPort?: number;
  readonly logLevel?: string;
  /** how many processes of each worker service to start (default: WORKERS from the environment, else 1) */
  readonly workers?: number;
  /** extra environment for every service (tests tune limits) */
  readonly serviceEnv?: Record<string, string>;
  /** called with each log line of each process, prefixed by its name */
  readonly onLog?: (process: string, line: string) => void;
  readonly onProgress?: (message: string) => void;
  /**
   * microservices (default): one process per API service. monolith: the catalogue's monolith
   * entry serves the forum services it mounts in one process; the gateway routes them all to it.
   */
  readonly topology?: Topology;
  /** how many tasks of each API service to run behind its target group (default 1) */
  readonly tasksPerService?: number;
  /** extra environment for the gateway (tests shorten its health checks and delays) */
  readonly gatewayEnv?: Record<string, string>;
  /** where every process sends its spans: an OTLP/HTTP endpoint (a test's receiver), or the local viewer's Zipkin endpoint */
  readonly traces?: TracesDestination;
}

export type Topology = 'microservices' | 'monolith';

export type { TracesDestination } from './service-env.ts';

export interface RunningProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly env: Record<string, string>;
  /** every line the process wrote, parsed when it is JSON */
  readonly logs: Record<string, unknown>[];
}

export interface RunningSystem {
  readonly gatewayUrl: string;
  readonly endpoint: string;
  readonly deployment: EmulatorResources;
  /** every process by name; tasks started and stopped later come and go here */
  readonly processes: ReadonlyMap<string, RunningProcess>;
  readonly topology: Topology;
  /** the gateway's target groups (register, deregister, describe), as the ELBv2 API is to ECS */
  readonly targetGroups: TargetGroupControl;
  /** the API deployables (a service, or the monolith), each with the target groups it serves */
  readonly apiDeployables: ReadonlyMap<string, readonly string[]>;
  /** the running tasks of an API deployable, oldest first */
  tasksOf(deployable: string): RunningProcess[];
  /** starts one more task of an API deployable, with the same environment on a new port (not registered yet) */
  startTask(deployable: string): Promise<RunningProcess>;
  /** SIGTERM, a graceful exit within the stop timeout (else SIGKILL); resolves with the exit status */
  stopTask(name: string): Promise<number | null>;
  stop(): Promise<void>;
}

export const instrumentModule = '@agora/runtime/instrument';

/** Generous: a loaded two-core machine starts eight Node processes slowly; a crash still ends the wait at once. */
const readyTimeoutMs = 60_000;

export function startProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  url: string,
  onLog?: (process: string, line: string) => void,
): RunningProcess {
  // The runtime's instrument module first, as the image's command does: tracing, when configured, is
  // set up before the app loads.
  const child = spawn(process.execPath, [`--import=${instrumentModule}`, entry], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ msg: line });
      }
      if (logs.length > 20_000) logs.splice(0, 10_000);
      onLog?.(name, line);
    });
  }
  return { name, url, child, env, logs };
}

export async function waitUntilReady(running: RunningProcess, path: string): Promise<void> {
  await waitForHttp(`${running.url}${path}`, {
    timeoutMs: readyTimeoutMs,
    giveUpIf: () => {
      if (running.child.exitCode === null) return undefined;
      // each line's message and, when it carries one, its error: "unexpected error" alone says nothing of the cause
      const lastLines = running.logs.slice(-5).map((line) => {
        const err = line.err as { type?: string; message?: string; code?: string } | undefined;
        const cause = err ? ` (${[err.type, err.code, err.message].filter(Boolean).join(': ')})` : '';
        return `${line.msg ?? JSON.stringify(line)}${cause}`;
      });
      return `${running.name} exited with status ${running.child.exitCode}: ${lastLines.join(' | ')}`;
    },
  });
}

/**
 * SIGTERM, then wait for a graceful exit (SIGKILL after `graceMs`). 30 s covers a worker letting its
 * pending 20 s long poll end, as the containers' stop_grace_period and ECS allow.
 */
export async function stopProcess(running: RunningProcess, graceMs = 30_000): Promise<number | null> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return running.child.exitCode;
  const exited = once(running.child, 'exit');
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  return running.child.exitCode;
}

export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const progress = options.onProgress ?? (() => {});
  const emulator = await startEmulator({ log: progress });
  progress(`emulator at ${emulator.endpoint}`);
  const clients = emulatorClients(emulator.endpoint);
  const deployment = await bootstrap(clients, options.prefix ?? 'agora');
  clients.destroy();
  progress(`created ${Object.keys(deployment.env).length} resources under the prefix "${deployment.prefix}"`);

  const common: Record<string, string> = {
    ...emulatorCredentials,
    AWS_ENDPOINT_URL: emulator.endpoint,
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'info',
    ...options.serviceEnv,
  };
  const signingKey = process.env.JWT_PRIVATE_KEY ?? generateSigningKeyPem();
  const topology = options.topology ?? 'microservices';
  const mounted = new Set<string>(topology === 'monolith' ? monolith.mounts : []);
  const apis = services.filter((service) => service.kind === 'api' && !mounted.has(service.name));
  // An API deployable is what runs as one task: a service, or the monolith serving several.
  const deployables = new Map<string, { entry: string; serves: string[]; env: Record<string, string> }>();
  const gatewayPort = options.gatewayPort ?? 8080;
  const resolvedGatewayPort = gatewayPort === 0 ? await freePort() : gatewayPort;
  const gatewayUrl = `http://127.0.0.1:${resolvedGatewayPort}`;
  const controlPort = await freePort();
  const tasks = new Map<string, RunningProcess[]>();
  const taskCounters = new Map<string, number>();
  const urlOf = (name: string) => {
    const deployable = [...deployables].find(([, definition]) => definition.serves.includes(name))?.[0] ?? name;
    return (tasks.get(deployable) ?? []).map((task) => task.url).join(',');
  };
  const locations: ServiceLocations = { urlOf, signingKeyPem: signingKey, issuerUrl: gatewayUrl };
  const environmentOf = (service: ServiceDefinition) => serviceEnvironment(service, deployment, locations);
  for (const service of apis) {
    deployables.set(service.name, {
      entry: `services/${service.workspace}/${service.entry}`,
      serves: [service.name],
      env: { ...common, ...tracingEnvironment(service.name, options.traces), ...environmentOf(service) },
    });
  }
  if (mounted.size > 0) {
    const env: Record<string, string> = { ...common, ...tracingEnvironment(monolith.name, options.traces) };
    for (const name of mounted) Object.assign(env, environmentOf(serviceNamed(name)));
    deployables.set(monolith.name, {
      entry: `services/${monolith.workspace}/${monolith.entry}`,
      serves: [...mounted],
      env,
    });
  }
  const tasksPerService = options.tasksPerService ?? 1;

  const processes = new Map<string, RunningProcess>();
  const startTask = async (deployable: string): Promise<RunningProcess> => {
    const definition = deployables.get(deployable);
    if (!definition) throw new Error(`${deployable} is not an API deployable`);
    const number = (taskCounters.get(deployable) ?? 0) + 1;
    taskCounters.set(deployable, number);
    // One task of each: named as the service (as before); several: numbered.
    const name = tasksPerService === 1 && number === 1 ? deployable : `${deployable}-${number}`;
    const port = await freePort();
    const env = { ...definition.env, PORT: String(port) };
    const running = startProcess(name, definition.entry, env, `http://127.0.0.1:${port}`, options.onLog);
    processes.set(name, running);
    tasks.set(deployable, [...(tasks.get(deployable) ?? []), running]);
    return running;
  };
  const stopTask = async (name: string): Promise<number | null> => {
    const running = processes.get(name);
    if (!running) throw new Error(`no process ${name}`);
    const status = await stopProcess(running);
    processes.delete(name);
    for (const [deployable, list] of tasks)
      tasks.set(
        deployable,
        list.filter((task) => task !== running),
      );
    return status;
  };
  const stopAll = async () => {
    await Promise.all([...processes.values()].map((running) => stopProcess(running)));
    await emulator.stop();
  };
  try {
    // One round of tasks at a time (one of each deployable): a shared two-core machine starting
    // every task at once can take longer than the readiness timeout.
    for (let round = 0; round < tasksPerService; round++) {
      const started = await Promise.all([...deployables.keys()].map((deployable) => startTask(deployable)));
      await Promise.all(started.map((running) => waitUntilReady(running, '/ready')));
    }

    // Workers have no API, only a health endpoint on their own port; N of each share one queue
    // (a single-task worker, the one reader of a stream, runs once whatever N is).
    const workerCount = options.workers ?? Number(process.env.WORKERS ?? 1);
    const startedWorkers: RunningProcess[] = [];
    const workers: readonly ServiceDefinition[] = services.filter((candidate) => candidate.kind === 'worker');
    for (const service of workers) {
      const count = service.singleTask ? 1 : workerCount;
      for (let index = 1; index <= count; index++) {
        const name = count === 1 ? service.name : `${service.name}-${index}`;
        const port = await freePort();
        const env = {
          ...common,
          ...tracingEnvironment(service.name, options.traces),
          ...environmentOf(service),
          PORT: String(port),
          ...(service.nodeOptions ? { NODE_OPTIONS: service.nodeOptions } : {}),
        };
        const url = `http://127.0.0.1:${port}`;
        const running = startProcess(name, `services/${service.workspace}/${service.entry}`, env, url, options.onLog);
        processes.set(name, running);
        startedWorkers.push(running);
      }
    }
    await Promise.all(startedWorkers.map((running) => waitUntilReady(running, '/health')));

    const gateway = serviceNamed('gateway');
    const gatewayEnv = {
      HOST: common.HOST as string,
      LOG_LEVEL: common.LOG_LEVEL as string,
      PORT: String(resolvedGatewayPort),
      CONTROL_PORT: String(controlPort),
      ...tracingEnvironment(gateway.name, options.traces),
      ...environmentOf(gateway),
      ...options.gatewayEnv,
    };
    const running = startProcess(
      'gateway',
      `services/${gateway.workspace}/${gateway.entry}`,
      gatewayEnv,
      gatewayUrl,
      options.onLog,
    );
    processes.set('gateway', running);
    await waitUntilReady(running, '/health');
    const targetGroups = new TargetGroupControl(`http://127.0.0.1:${controlPort}`);
    await targetGroups.waitUntilReachable();
    return {
      gatewayUrl,
      endpoint: emulator.endpoint,
      deployment,
      processes,
      topology,
      targetGroups,
      apiDeployables: new Map([...deployables].map(([name, definition]) => [name, definition.serves])),
      tasksOf: (deployable) => [...(tasks.get(deployable) ?? [])],
      startTask,
      stopTask,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
