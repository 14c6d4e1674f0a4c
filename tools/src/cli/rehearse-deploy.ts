/**
 * `npm run rehearse:deploy`: a rolling deploy of every API task under a mixed load, on this
 * machine, through the gateway standing in for the ALB. Without options on the no-Docker topology
 * (the launcher's processes); with `--containers` on the container topology (images built under
 * one release tag from Dockerfile.base, containers run as their tasks run, the rollout deploying
 * the next tag; needs a Docker engine). Prints requests sent, failed and p50/p99 before and during
 * the rollout; exits 1 on any failure, lost write or unclean stop.
 */
import { parseArgs } from 'node:util';
import { ensureDashboardBuilt } from '@agora/dashboard/build';
import { pinnedImages } from '../install/offline-images.ts';
import {
  type ContainerRehearsalFigures,
  type RehearsalFigures,
  rehearseContainerDeploy,
  rehearseRollingDeploy,
} from '../local/rehearsal.ts';
import { engineAbsence } from '../testing/engine.ts';

const { values } = parseArgs({ options: { containers: { type: 'boolean', default: false } } });
const log = (line: string) => process.stdout.write(`agora      ${line}\n`);
const started = Date.now();
const options = {
  requestsBefore: Number(process.env.REQUESTS_BEFORE ?? 1000),
  maxRequestsDuring: Number(process.env.MAX_REQUESTS_DURING ?? 50_000),
  maxDurationMs: 300_000,
  log,
};
let figures: RehearsalFigures | ContainerRehearsalFigures;
if (values.containers) {
  const pinned = await pinnedImages();
  const absent = await engineAbsence([pinned.node.tag, pinned.moto.tag]);
  if (absent) {
    process.stderr.write(`rehearse:deploy --containers cannot run here: ${absent}\n`);
    process.exit(1);
  }
  figures = await rehearseContainerDeploy(options);
} else {
  await ensureDashboardBuilt({ log });
  figures = await rehearseRollingDeploy(options);
}

const row = (...cells: (string | number)[]) => cells.map((cell, i) => String(cell).padStart(i === 0 ? 8 : 10)).join('');
const topology = values.containers ? 'containers' : 'processes';
process.stdout.write(`
Rolling deploy rehearsal (${topology}): ${figures.replaced.length} tasks replaced in ${(figures.rolloutMs / 1000).toFixed(1)} s
${row('phase', 'requests', 'failed', 'p50 ms', 'p99 ms')}
${[figures.before, figures.during].map((p) => row(p.phase, p.sent, p.failed, p.p50Ms, p.p99Ms)).join('\n')}
writes answered 2xx: ${figures.writes}, missing afterwards: ${figures.missing.length}
${figures.replaced.map((t) => `  ${t.old} → ${t.replacement}: healthy after ${t.healthyMs} ms, drained in ${t.drainedMs} ms, cut off ${t.cutOff}, exit ${t.exitStatus}`).join('\n')}
`);
const problems = [...figures.before.failures, ...figures.during.failures, ...figures.missing];
if ('releases' in figures) problems.push(...reportContainers(figures));
for (const problem of problems) process.stdout.write(`  failure: ${problem}\n`);
process.stdout.write(`total ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
const ok =
  problems.length === 0 &&
  figures.before.failed + figures.during.failed === 0 &&
  figures.replaced.every((task) => task.exitStatus === 0 && task.cutOff === 0);
process.exit(ok ? 0 : 1);

/** Prints the container run's images, stops and clean-up; answers what went wrong with them. */
function reportContainers(run: ContainerRehearsalFigures): string[] {
  const problems: string[] = [];
  for (const [tag, images] of run.releases) {
    process.stdout.write(`${tag}: ${[...images].map(([service, id]) => `${service} ${id.slice(7, 19)}`).join(', ')}\n`);
  }
  const slowest = Math.max(...run.stopped.map((stop) => stop.stopMs));
  process.stdout.write(
    `stopped ${run.stopped.length} containers, exit codes ${[...new Set(run.stopped.map((stop) => stop.exitCode))].join(',')}, slowest docker stop ${slowest} ms (stop timeout ${run.stopped[0]?.stopTimeoutMs ?? 0} ms)\n`,
  );
  process.stdout.write(
    `steps: ${Object.entries(run.timings)
      .map(([step, seconds]) => `${step} ${seconds.toFixed(1)} s`)
      .join(', ')}\n`,
  );
  for (const stop of run.stopped) {
    if (stop.exitCode !== 0 || stop.stopMs >= stop.stopTimeoutMs) {
      problems.push(`${stop.name} exited ${stop.exitCode} after ${stop.stopMs} ms`);
    }
  }
  const [, newest] = [...run.releases.keys()];
  for (const container of run.containers.filter((candidate) => candidate.running)) {
    if (container.release !== newest) problems.push(`${container.name} still runs ${container.release}`);
  }
  const left = Object.values(run.leftovers).flat();
  if (left.length > 0) problems.push(`left behind: ${left.join(', ')}`);
  else process.stdout.write('clean-up: no container, image, network or volume of the run is left\n');
  return problems;
}
