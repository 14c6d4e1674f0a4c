/**
 * `npm run rehearse:deploy`: a rolling deploy of every API task under a mixed load, on this
 * machine (no Docker), through the gateway standing in for the ALB. Prints requests sent, failed
 * and p50/p99 before and during the rollout; exits 1 on any failure or lost write.
 */
import { ensureDashboardBuilt } from '@agora/dashboard/build';
import { rehearseRollingDeploy } from '../local/rehearsal.ts';

const log = (line: string) => process.stdout.write(`agora      ${line}\n`);
await ensureDashboardBuilt({ log });
const figures = await rehearseRollingDeploy({
  requestsBefore: Number(process.env.REQUESTS_BEFORE ?? 1000),
  maxRequestsDuring: Number(process.env.MAX_REQUESTS_DURING ?? 50_000),
  maxDurationMs: 300_000,
  log,
});

const row = (...cells: (string | number)[]) => cells.map((cell, i) => String(cell).padStart(i === 0 ? 8 : 10)).join('');
process.stdout.write(`
Rolling deploy rehearsal: ${figures.replaced.length} tasks replaced in ${(figures.rolloutMs / 1000).toFixed(1)} s
${row('phase', 'requests', 'failed', 'p50 ms', 'p99 ms')}
${[figures.before, figures.during].map((p) => row(p.phase, p.sent, p.failed, p.p50Ms, p.p99Ms)).join('\n')}
writes answered 2xx: ${figures.writes}, missing afterwards: ${figures.missing.length}
${figures.replaced.map((t) => `  ${t.old} → ${t.replacement}: drained in ${t.drainedMs} ms, cut off ${t.cutOff}, exit ${t.exitStatus}`).join('\n')}
`);
for (const failure of [...figures.before.failures, ...figures.during.failures, ...figures.missing]) {
  process.stdout.write(`  failure: ${failure}\n`);
}
const ok =
  figures.before.failed + figures.during.failed === 0 &&
  figures.missing.length === 0 &&
  figures.replaced.every((task) => task.exitStatus === 0 && task.cutOff === 0);
process.exit(ok ? 0 : 1);
