import { PutObjectCommand } from '@aws-sdk/client-s3';
import { emulatorClients } from '../../../tools/src/aws.ts';
import { bootstrap } from '../../../tools/src/bootstrap.ts';
import { startEmulator } from '../../../tools/src/emulator.ts';
import { createInventoryRepo } from '../src/inventory-repo.ts';
import { createUploadsRepo } from '../src/uploads-repo.ts';
import { processObject } from '../src/worker/process-object.ts';
import { snsAlertPublisher } from '../src/worker/stock-alerts.ts';

const emu = await startEmulator();
const c = emulatorClients(emu.endpoint);
const d = await bootstrap(c, 'probe');
const n = Number(process.argv[2] ?? 10000);
const lines = ['store,item,count'];
for (let i = 0; i < n; i++) lines.push(`Store ${i % 3},item ${i},${(i % 7) + 1}`);
await c.s3.send(new PutObjectCommand({ Bucket: d.env.UPLOADS_BUCKET, Key: 'f.csv', Body: lines.join('\n') }));
const counts = new Map<string, number>();
c.dynamo.middlewareStack.add(
  (next, ctx) => async (args) => {
    counts.set(ctx.commandName, (counts.get(ctx.commandName) ?? 0) + 1);
    return next(args);
  },
  { step: 'initialize', name: 'count' },
);
const deps = {
  s3: c.s3,
  uploads: createUploadsRepo(c.documents, d.env.UPLOADS_TABLE),
  inventory: createInventoryRepo(c.documents, d.env.INVENTORY_TABLE, { writeConcurrency: Number(process.env.WC ?? 4) }),
  alerts: snsAlertPublisher(c.sns, d.env.STOCK_ALERTS_TOPIC_ARN),
  owner: 'me',
  leaseMs: 60000,
};
const s = performance.now();
const out = await processObject(
  deps,
  { bucket: d.env.UPLOADS_BUCKET, key: 'f.csv' },
  { messageId: 'm', signal: new AbortController().signal },
);
const secs = (performance.now() - s) / 1000;
console.log(out, 'rows/s', n / secs, 'secs', secs, counts);
await emu.stop();
c.destroy();
