/**
 * What ECS does on a rolling update with minimumHealthyPercent 100 and maximumPercent 200, on the
 * local topology: for each task of each API service, start a new task (with the same environment,
 * as a new task definition revision would), wait until the load balancer's health checks find it
 * healthy, deregister one old task (its in-flight requests finish, no new ones reach it), then
 * SIGTERM it and wait for its graceful exit. Capacity never drops below what was running.
 */
import type { TargetGroupControl } from './target-group-control.ts';

/** One running task: a process or a container, reached by the target groups at `url`. */
export interface FleetTask {
  readonly name: string;
  readonly url: string;
}

/**
 * What a rolling deploy needs of whatever runs the tasks (the launcher's processes, or containers):
 * as the ECS scheduler needs a cluster and the ELBv2 API.
 */
export interface TaskFleet {
  readonly targetGroups: TargetGroupControl;
  /** the API deployables, each with the target groups it serves */
  readonly apiDeployables: ReadonlyMap<string, readonly string[]>;
  /** the running tasks of a deployable, oldest first */
  tasksOf(deployable: string): FleetTask[];
  /** starts one task of the deployable's current revision (not registered yet) */
  startTask(deployable: string): Promise<FleetTask>;
  /** SIGTERM, a graceful exit within the stop timeout; resolves with the exit status */
  stopTask(name: string): Promise<number | null>;
}

export interface ReplacedTask {
  readonly deployable: string;
  readonly old: string;
  readonly replacement: string;
  /** from starting the replacement until the target group found it healthy */
  readonly healthyMs: number;
  readonly drainedMs: number;
  /** requests still in flight when the deregistration delay cut the old task off (should be 0) */
  readonly cutOff: number;
  readonly exitStatus: number | null;
}

export async function rollingDeploy(
  system: TaskFleet,
  log: (line: string) => void = () => {},
): Promise<ReplacedTask[]> {
  const replaced: ReplacedTask[] = [];
  for (const [deployable, targetGroups] of system.apiDeployables) {
    for (const old of system.tasksOf(deployable)) {
      const starting = Date.now();
      const replacement = await system.startTask(deployable);
      for (const group of targetGroups) await system.targetGroups.register(group, replacement.url);
      for (const group of targetGroups) await system.targetGroups.waitUntilHealthy(group, replacement.url);
      const healthyMs = Date.now() - starting;
      let drainedMs = 0;
      let cutOff = 0;
      for (const group of targetGroups) {
        const drained = await system.targetGroups.deregister(group, old.url);
        drainedMs = Math.max(drainedMs, drained.drainedMs);
        cutOff += drained.cutOff;
      }
      const exitStatus = await system.stopTask(old.name);
      log(
        `${deployable}: ${old.name} → ${replacement.name} (healthy after ${healthyMs} ms, drained in ${drainedMs} ms, exit ${exitStatus})`,
      );
      replaced.push({
        deployable,
        old: old.name,
        replacement: replacement.name,
        healthyMs,
        drainedMs,
        cutOff,
        exitStatus,
      });
    }
  }
  return replaced;
}
