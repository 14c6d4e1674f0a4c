/**
 * The rolling-deploy rehearsal, on either topology: two tasks of each API service behind the
 * gateway's target groups, a bounded mixed load through the gateway, figures taken before and
 * during a rolling replacement of every task, then every 2xx write read back. On the no-Docker
 * topology the tasks are the launcher's processes; on the container topology they are containers
 * of images built under one release tag, replaced by containers of the next tag.
 * `npm run rehearse:deploy [-- --containers]` prints the figures; tools/test/rolling-deploy.system.test.ts
 * and tools/test/rolling-deploy-engine.test.ts assert them.
 */
import {
  type RunLeftovers,
  type StoppedContainer,
  startContainerFleet,
  type TaskContainer,
} from './container-fleet.ts';
import { startSystem } from './launcher.ts';
import { MixedLoad, type PhaseFigures } from './mixed-load.ts';
import { type ReplacedTask, rollingDeploy, type TaskFleet } from './rolling-deploy.ts';

export interface RehearsalOptions {
  readonly prefix?: string;
  readonly requestsBefore: number;
  /** bounds of the load during the rollout (it also ends when the rollout does) */
  readonly maxRequestsDuring: number;
  readonly maxDurationMs: number;
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

export interface RehearsalFigures {
  readonly before: PhaseFigures;
  readonly during: PhaseFigures;
  readonly replaced: readonly ReplacedTask[];
  readonly writes: number;
  readonly missing: readonly string[];
  readonly rolloutMs: number;
}

/**
 * The target groups' health checks run every 500 ms here instead of the ALB's 15 s (the same
 * thresholds and deregistration delay), so a rollout of eight tasks takes seconds, not minutes.
 * Rate limits are raised: one loopback client is every request's source here.
 */
export const rehearsalGatewayEnv = { HEALTH_CHECK_INTERVAL_MS: '500', HEALTH_CHECK_TIMEOUT_MS: '2000' };
const rehearsalServiceEnv = { RATE_LIMIT_PER_MINUTE: '1000000', REGISTRATIONS_PER_CLIENT_PER_HOUR: '1000000' };

/** The release tags of the container rehearsal: what the fleet starts on, and what it rolls out. */
export const initialRelease = 'release-a';
export const nextRelease = 'release-b';

/** What the rehearsal drives: tasks behind the gateway's target groups, and maybe a new release to roll out. */
interface RehearsedFleet extends TaskFleet {
  readonly gatewayUrl: string;
  /** builds the release the rollout deploys (containers: the next image tag); processes need none */
  release?(tag: string): Promise<void>;
}

/** The load before, the rollout under load, then every 2xx write read back. */
async function rehearse(fleet: RehearsedFleet, options: RehearsalOptions): Promise<RehearsalFigures> {
  const log = options.log ?? (() => {});
  const load = new MixedLoad(fleet.gatewayUrl, options.concurrency ?? 4);
  await load.prepare();
  const before = await load.run('before', {
    maxRequests: options.requestsBefore,
    maxDurationMs: options.maxDurationMs,
  });
  // As the pipeline does: the new release is built (and pushed) before the deploy starts.
  if (fleet.release) await fleet.release(nextRelease);
  const started = Date.now();
  const rollout = rollingDeploy(fleet, log);
  const during = await load.run('during', {
    until: rollout,
    maxRequests: options.maxRequestsDuring,
    maxDurationMs: options.maxDurationMs,
  });
  const replaced = await rollout;
  const rolloutMs = Date.now() - started;
  const { checked, missing } = await load.verify();
  return { before, during, replaced, writes: checked, missing, rolloutMs };
}

/** On the no-Docker topology: the launcher's processes. */
export async function rehearseRollingDeploy(options: RehearsalOptions): Promise<RehearsalFigures> {
  const log = options.log ?? (() => {});
  const system = await startSystem({
    gatewayPort: 0,
    logLevel: 'warn',
    tasksPerService: 2,
    gatewayEnv: rehearsalGatewayEnv,
    serviceEnv: rehearsalServiceEnv,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    onProgress: log,
  });
  try {
    log(`running: ${[...system.processes.keys()].join(', ')}`);
    return await rehearse(system, options);
  } finally {
    await system.stop();
  }
}

export interface ContainerRehearsalFigures extends RehearsalFigures {
  /** each release's image id per service */
  readonly releases: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** every task container of the run as the engine saw it after the rollout */
  readonly containers: readonly TaskContainer[];
  readonly stopped: readonly StoppedContainer[];
  /** what the engine still held of the run after the clean-up (empty when clean) */
  readonly leftovers: RunLeftovers;
  readonly timings: Record<string, number>;
}

/**
 * On the container topology: the images built under one release tag, two containers of each API
 * service run as their tasks run, the gateway routing to them; the rollout deploys the next tag.
 * Everything the run made is removed, also when it fails.
 */
export async function rehearseContainerDeploy(options: RehearsalOptions): Promise<ContainerRehearsalFigures> {
  const fleet = await startContainerFleet({
    tasksPerService: 2,
    initialRelease,
    gatewayEnv: rehearsalGatewayEnv,
    serviceEnv: rehearsalServiceEnv,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  let figures: RehearsalFigures;
  let containers: TaskContainer[];
  try {
    figures = await rehearse(fleet, options);
    containers = await fleet.containers();
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  const leftovers = await fleet.stop();
  return {
    ...figures,
    releases: fleet.releases,
    containers,
    stopped: fleet.stopped,
    leftovers,
    timings: fleet.timings,
  };
}
