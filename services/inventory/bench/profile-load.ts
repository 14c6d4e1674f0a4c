/**
 * One realistic first load (`--rows`, 20,000 by default; `--zero-every=7` for one item in seven at
 * zero), for a CPU profile of the worker's own work:
 *   node --cpu-prof --cpu-prof-dir=/tmp/profiles services/inventory/bench/profile-load.ts --rows=20000
 * then `node services/inventory/bench/profile-summary.ts /tmp/profiles/<file>.cpuprofile`.
 * `--inventory=stub` puts the inventory table in stub-dynamo.ts (worker-cpu.ts says how).
 */
import { startEmulator } from '@agora/tools/local/emulator';
import { meteredWorker, realisticFile } from './realistic-load.ts';
import { startStubDynamo } from './stub-endpoint.ts';

const argument = (name: string, fallback: number) => {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given ? Number(given.slice(name.length + 3)) : fallback;
};
const rows = argument('rows', 20_000);
const emulator = await startEmulator({ log: () => {} });
const stub = process.argv.includes('--inventory=stub') ? await startStubDynamo('keep-alive', '--tables') : undefined;
try {
  const worker = await meteredWorker(emulator.endpoint, {
    metered: false,
    ...(stub ? { inventoryEndpoint: stub.endpoint } : {}),
  });
  const load = await worker.load('profile.csv', realisticFile(rows, { zeroEvery: argument('zero-every', 0) }));
  worker.destroy();
  process.stdout.write(`${JSON.stringify({ rows, ...load })}\n`);
} finally {
  stub?.stop();
  await emulator.stop();
}
