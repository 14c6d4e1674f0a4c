/**
 * What a test file starts once for all its tests (a system of processes, a trace viewer): started
 * in `before`, stopped in `after`. The runner fails a hook that outlives its timeout, but cannot stop
 * the hook's work: a start still under way goes on spawning processes, and their pipes then hold the
 * file's process open for ever, so the whole test run hangs (seen on a loaded machine, where a JVM
 * and then the system took longer to start than the hook's timeout). So `after` first waits for the
 * start to settle (each of its steps has bounds of its own), then stops whatever it started.
 */
import { after, before } from 'node:test';

export function startedForTheFile(
  start: () => Promise<unknown>,
  stop: () => Promise<unknown>,
  timeoutMs = 300_000,
): void {
  let starting: Promise<unknown> = Promise.resolve();
  before(
    () => {
      starting = start();
      return starting;
    },
    { timeout: timeoutMs },
  );
  after(
    async () => {
      await starting.catch(() => {});
      await stop();
    },
    { timeout: timeoutMs + 60_000 },
  );
}
