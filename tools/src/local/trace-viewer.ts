/**
 * Starts the local trace viewer (Zipkin, see tools/src/install/trace-viewer.ts) on a loopback port,
 * spans kept in memory: `npm run up -- --traces` and the viewer's browser test use it. The services
 * send their spans to its Zipkin endpoint (OTEL_TRACES_EXPORTER=zipkin).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { ensureTraceViewerInstalled } from '../install/trace-viewer.ts';
import { waitForHttp } from '../wait.ts';
import { freePort } from './emulator.ts';

export interface TraceViewer {
  /** the web UI */
  readonly uiUrl: string;
  /** where the services POST their spans */
  readonly spansEndpoint: string;
  /** the viewer's query API (/api/v2/...) */
  readonly apiUrl: string;
  stop(): Promise<void>;
}

export async function startTraceViewer(
  options: { port?: number; log?: (line: string) => void } = {},
): Promise<TraceViewer> {
  const jar = await ensureTraceViewerInstalled(options.log);
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn('java', ['-Xmx256m', '-jar', jar], {
    env: {
      PATH: process.env.PATH ?? '',
      ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
      STORAGE_TYPE: 'mem',
      // The server's one port, on loopback only: a developer's spans are nobody else's.
      ARMERIA_PORTS_0_IP: '127.0.0.1',
      ARMERIA_PORTS_0_PORT: String(port),
      ARMERIA_PORTS_0_PROTOCOLS_0: 'http',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk}`.slice(-2000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    // A JVM on a busy two-core machine: half a minute is usual.
    await waitForHttp(`${url}/health`, {
      timeoutMs: 120_000,
      giveUpIf: () => (child.exitCode === null ? undefined : `the viewer exited ${child.exitCode}: ${stderr}`),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { uiUrl: `${url}/zipkin/`, spansEndpoint: `${url}/api/v2/spans`, apiUrl: `${url}/api/v2`, stop };
}
