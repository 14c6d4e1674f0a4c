/**
 * Helpers for test files: one emulator per run (the runner's, via AWS_ENDPOINT_URL, or one of the
 * file's own when it runs alone), resources under a unique prefix so files run in parallel, and a
 * logger whose lines a test can read.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after } from 'node:test';
import { createLogger } from '@agora/runtime/logger';
import type { Logger } from 'pino';
import { bootstrap, type EmulatorResources } from '../local/bootstrap.ts';
import { startEmulator, useEmulatorCredentials } from '../local/emulator.ts';
import { emulatorClients } from '../local/emulator-clients.ts';

let shared: Promise<string> | undefined;

/** The emulator endpoint for this test file (started once, stopped after the file). */
export function emulatorEndpoint(): Promise<string> {
  shared ??= (async () => {
    const emulator = await startEmulator();
    after(() => emulator.stop());
    useEmulatorCredentials();
    process.env.AWS_ENDPOINT_URL = emulator.endpoint;
    return emulator.endpoint;
  })();
  return shared;
}

export function uniquePrefix(label = 't'): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

export interface TestDeployment extends EmulatorResources {
  readonly endpoint: string;
  readonly clients: ReturnType<typeof emulatorClients>;
}

/** Every catalogue resource, freshly made under a unique prefix on the emulator. */
export async function provision(label?: string): Promise<TestDeployment> {
  const endpoint = await emulatorEndpoint();
  const clients = emulatorClients(endpoint);
  after(() => clients.destroy());
  const deployment = await bootstrap(clients, uniquePrefix(label));
  return { ...deployment, endpoint, clients };
}

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: () => Record<string, unknown>[];
}

/** `_service` names the logger for the reader of the test; lines no longer carry it (logger.ts). */
export function capturedLogger(_service: string, level = 'debug'): CapturedLogger {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level, destination });
  return { logger, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
