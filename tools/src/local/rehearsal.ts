/**
 * The rolling-deploy rehearsal on the no-Docker topology: two tasks of each API service behind the
 * gateway's target groups, a bounded mixed load through the gateway, figures taken before and
 * during a rolling replacement of every task, then every 2xx write read back.
 * `npm run rehearse:deploy` prints the figures; tools/test/rolling-deploy.system.test.ts asserts them.
 */
import { startSystem } from './launcher.ts';
import { MixedLoad, type PhaseFigures } from './mixed-load.ts';
import { type ReplacedTask, rollingDeploy } from './rolling-deploy.ts';

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

export async function rehearseRollingDeploy(options: RehearsalOptions): Promise<RehearsalFigures> {
  const log = options.log ?? (() => {});
  const system = await startSystem({
    gatewayPort: 0,
    logLevel: 'warn',
    tasksPerService: 2,
    gatewayEnv: rehearsalGatewayEnv,
    serviceEnv: { RATE_LIMIT_PER_MINUTE: '1000000' },
    ...(options.prefix ? { prefix: options.prefix } : {}),
    onProgress: log,
  });
  try {
    log(`running: ${[...system.processes.keys()].join(', ')}`);
    const load = new MixedLoad(system.gatewayUrl, options.concurrency ?? 4);
    await load.prepare();
    const before = await load.run('before', {
      maxRequests: options.requestsBefore,
      maxDurationMs: options.maxDurationMs,
    });
    const started = Date.now();
    const rollout = rollingDeploy(system, log);
    const during = await load.run('during', {
      until: rollout,
      maxRequests: options.maxRequestsDuring,
      maxDurationMs: options.maxDurationMs,
    });
    const replaced = await rollout;
    const rolloutMs = Date.now() - started;
    const { checked, missing } = await load.verify();
    return { before, during, replaced, writes: checked, missing, rolloutMs };
  } finally {
    await system.stop();
  }
}
