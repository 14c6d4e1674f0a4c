/**
 * The local trace viewer: OpenZipkin's server (its web UI included), one pinned executable jar from
 * Maven Central, fetched by Maven into .agora/trace-viewer when missing (about 20 s, 135 MB; needs
 * `java` 17+ and `mvn`, which the machine has). Jaeger v2 was the first choice, but `go install`
 * builds it without its UI (the assets are not in the Go module: the binary serves a placeholder).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { stateDir } from '../paths.ts';

const run = promisify(execFile);

export const zipkinVersion = '3.6.1';
export const traceViewerDir = `${stateDir}/trace-viewer`;
export const traceViewerJar = `${traceViewerDir}/zipkin-server-${zipkinVersion}-exec.jar`;

/** Why the viewer cannot be installed here (no java or mvn), or undefined when it can. */
export async function traceViewerUnavailable(): Promise<string | undefined> {
  for (const tool of ['java', 'mvn']) {
    try {
      await run(tool, ['-version']);
    } catch {
      return `${tool} is not installed (the trace viewer is a Java program fetched by Maven)`;
    }
  }
  return undefined;
}

export async function ensureTraceViewerInstalled(log: (line: string) => void = () => {}): Promise<string> {
  if (existsSync(traceViewerJar)) return traceViewerJar;
  const unavailable = await traceViewerUnavailable();
  if (unavailable) throw new Error(unavailable);
  await mkdir(traceViewerDir, { recursive: true });
  log(`installing the trace viewer (Zipkin ${zipkinVersion}, from Maven Central) …`);
  await run(
    'mvn',
    [
      '-q',
      '-B',
      'dependency:copy',
      `-Dartifact=io.zipkin:zipkin-server:${zipkinVersion}:jar:exec`,
      `-DoutputDirectory=${traceViewerDir}`,
    ],
    { cwd: traceViewerDir, maxBuffer: 16 * 1024 * 1024 },
  );
  if (!existsSync(traceViewerJar)) throw new Error(`Maven ran, but ${traceViewerJar} is not there`);
  return traceViewerJar;
}
