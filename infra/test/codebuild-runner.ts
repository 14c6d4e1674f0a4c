/**
 * Runs a buildspec's phases the way CodeBuild does (buildspec version 0.2): the phases in their
 * order, each phase's commands in order in the buildspec's shell with its env variables and the
 * project's set; the first failing command fails its phase; a failed phase with `on-failure: ABORT`
 * ends the build, otherwise the next phase still runs (CodeBuild's CONTINUE default for the phase
 * transitions it allows). What it cannot imitate is AWS itself: the `aws` command and the registry
 * are whatever the caller puts on PATH and in REGISTRY.
 */
import { spawn } from 'node:child_process';

export interface Buildspec {
  version: number;
  env?: { shell?: string; variables?: Record<string, string> };
  phases: Record<string, { commands: string[]; 'on-failure'?: 'ABORT' | 'CONTINUE' }>;
  artifacts?: { files: string[] };
}

export interface BuildRun {
  readonly succeeded: boolean;
  /** the phases that ran, with how they ended */
  readonly phases: readonly { readonly name: string; readonly succeeded: boolean }[];
  /** stdout and stderr of every command, interleaved as they came */
  readonly output: string;
}

const phaseOrder = ['install', 'pre_build', 'build', 'post_build'];

function runCommand(shell: string, command: string, cwd: string, env: NodeJS.ProcessEnv, sink: (s: string) => void) {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(shell, ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => sink(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => sink(chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

export async function runBuildspec(
  spec: Buildspec,
  options: { cwd: string; env: NodeJS.ProcessEnv; log?: (chunk: string) => void },
): Promise<BuildRun> {
  const unknown = Object.keys(spec.phases).filter((name) => !phaseOrder.includes(name));
  if (unknown.length > 0) throw new Error(`CodeBuild has no phase ${unknown.join(', ')}`);
  const shell = spec.env?.shell ?? 'sh';
  const env = { ...options.env, ...spec.env?.variables };
  let output = '';
  const sink = (chunk: string) => {
    output += chunk;
    options.log?.(chunk);
  };
  const phases: { name: string; succeeded: boolean }[] = [];
  let succeeded = true;
  for (const name of phaseOrder) {
    const phase = spec.phases[name];
    if (!phase) continue;
    let phaseSucceeded = true;
    for (const command of phase.commands) {
      sink(`[Container] Running command ${command}\n`);
      const code = await runCommand(shell, command, options.cwd, env, sink);
      if (code !== 0) {
        sink(`[Container] Command did not exit successfully ${command} exit status ${code}\n`);
        phaseSucceeded = false;
        break;
      }
    }
    phases.push({ name, succeeded: phaseSucceeded });
    if (!phaseSucceeded) {
      succeeded = false;
      if (phase['on-failure'] === 'ABORT') break;
    }
  }
  return { succeeded, phases, output };
}
