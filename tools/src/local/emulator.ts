/**
 * The AWS emulator harness: moto in server mode, from a project-local venv, on a free loopback
 * port. Used by the test runner, the local launcher and the benchmarks. When AWS_ENDPOINT_URL is
 * already set, that endpoint is used and nothing is started.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { installUnderVenvLock, requirementsHash } from '../install/venv.ts';
import { repoRoot, stateDir } from '../paths.ts';
import { waitForHttp } from '../wait.ts';
import { reservePort } from './port-reservations.ts';

const run = promisify(execFile);

export const venvDir = `${stateDir}/venv`;
const requirementsFile = `${repoRoot}tools/emulator/requirements.txt`;
const serveScript = `${repoRoot}tools/emulator/serve.py`;
const python = `${venvDir}/bin/python`;

/** Credentials the emulator accepts; real ones never reach it. */
export const emulatorCredentials = {
  AWS_ACCESS_KEY_ID: 'agora-local',
  AWS_SECRET_ACCESS_KEY: 'agora-local',
  AWS_REGION: 'us-east-1',
};

/** Creates the venv with the pinned moto if it is missing or stale; a fast no-op otherwise. */
/** Lets SDK clients this process builds sign requests for the emulator (real credentials win). */
export function useEmulatorCredentials(): void {
  for (const [name, value] of Object.entries(emulatorCredentials)) process.env[name] ??= value;
}

export async function ensureEmulatorInstalled(log: (line: string) => void = () => {}): Promise<void> {
  const marker = `${venvDir}/.agora-requirements`;
  const wanted = await requirementsHash([requirementsFile]);
  const current = async () => existsSync(marker) && (await readFile(marker, 'utf8')) === wanted;
  if (existsSync(python) && (await current())) return;

  await installUnderVenvLock(current, async () => {
    log('installing the AWS emulator (moto) into .agora/venv …');
    await rm(venvDir, { recursive: true, force: true });
    const systemPython = process.env.AGORA_PYTHON ?? 'python3';
    await run(systemPython, ['-m', 'venv', venvDir]);
    await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirementsFile], {
      maxBuffer: 16 * 1024 * 1024,
    });
    await writeFile(marker, wanted);
  });
}

/** Whether nothing listens on `port` on loopback (bound and released at once). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port the kernel hands out itself (listen(0)): from its ephemeral range. */
function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The ports just below the kernel's ephemeral range (net.ipv4.ip_local_port_range), or none. */
async function readPortsBelowEphemeralRange(): Promise<{ low: number; high: number } | undefined> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
  const ephemeralStart = Number(range.trim().split(/\s+/)[0]);
  if (!Number.isInteger(ephemeralStart) || ephemeralStart < 12_000) return undefined;
  return { low: ephemeralStart - 10_000, high: ephemeralStart - 1 };
}

/** Read once per process: the range does not change while it runs. */
let portsBelowEphemeralRange: ReturnType<typeof readPortsBelowEphemeralRange> | undefined;

/**
 * A loopback port nothing listens on, for a process about to be started on it. It is taken at
 * random from the 10,000 ports below the kernel's ephemeral range (32768–60999 by default), not
 * from listen(0): an ephemeral port may be taken, between this check and the child's bind, as the
 * source port of any outgoing connection (a test suite makes thousands, and CI once lost the
 * gateway to it: "stopping after an unexpected error" on a port picked seconds before). Below the
 * range only an explicit bind can take it, and every other `freePort` caller on the machine is kept
 * off it by a reservation (port-reservations.ts). Where that range cannot be read, listen(0) as before.
 */
export async function freePort(): Promise<number> {
  portsBelowEphemeralRange ??= readPortsBelowEphemeralRange();
  const below = await portsBelowEphemeralRange;
  if (below) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const port = below.low + Math.floor(Math.random() * (below.high - below.low + 1));
      if ((await isFree(port)) && reservePort(port)) return port;
    }
  }
  return ephemeralPort();
}

export interface Emulator {
  readonly endpoint: string;
  /** true when this harness started the process (false when AWS_ENDPOINT_URL was given) */
  readonly owned: boolean;
  stop(): Promise<void>;
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  await waitForHttp(`${endpoint}/moto-api/data.json`, {
    timeoutMs,
    giveUpIf: () => (child.exitCode !== null ? `the emulator exited with status ${child.exitCode}` : undefined),
  });
}

export async function startEmulator(options: { log?: (line: string) => void } = {}): Promise<Emulator> {
  const given = process.env.AWS_ENDPOINT_URL;
  if (given) return { endpoint: given, owned: false, stop: async () => {} };

  await ensureEmulatorInstalled(options.log);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const stderr: string[] = [];
    const child = spawn(python, [serveScript, '-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, ...emulatorCredentials },
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 50) stderr.push(chunk.toString());
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitUntilAnswering(endpoint, child, 30_000);
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt < 3) continue; // the free port was taken in between: try another
      throw new Error(`${(error as Error).message}\n${stderr.join('').slice(-2000)}`);
    }
    // Don't let the pipe keep the event loop alive; closing it (or our death) stops the emulator.
    child.unref();
    (child.stdin as unknown as { unref?: () => void })?.unref?.();
    (child.stderr as unknown as { unref?: () => void })?.unref?.();
    return {
      endpoint,
      owned: true,
      async stop() {
        if (child.exitCode !== null) return;
        // Unref'd above: without this, a moto slow to exit (holding much data) leaves the caller's
        // top-level await unsettled once the SIGKILL timer has fired.
        child.ref();
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      },
    };
  }
}

/** Wipes every service's state on the emulator (only for an emulator this harness owns). */
export async function resetEmulator(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`reset failed: ${response.status}`);
}
