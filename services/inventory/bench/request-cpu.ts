/**
 * What one DynamoDB request costs the worker's own CPU, apart from the emulator: the worker's
 * clients (createAwsClients, as in the task) against a stub endpoint in another process
 * (stub-dynamo.ts) that answers at once, so the CPU measured (process.cpuUsage) is the SDK's
 * serialising, signing and HTTP, and Agora's code around it. Each case sends `--requests`
 * BatchWriteItems, 4 in flight (as the worker does), after a warm-up:
 *  - 25 realistic rows through lib-dynamodb (the document client's marshalling), as the loader
 *    writes them; the same rows as hand-built AttributeValue maps on the low-level client; and
 *    one row per request (the fixed cost of a request);
 *  - each against a kept-alive connection (as DynamoDB's) and with `Connection: close` on every
 *    response (as the emulator, werkzeug, does: a new TCP connection per request);
 * and csv-parse's parse-only CPU per 1,000 rows of the realistic file, the target's baseline.
 *   node services/inventory/bench/request-cpu.ts --requests=2000 [--only=<part of a case's name>]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createAwsClients } from '@agora/runtime/aws';
import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { csvParseCpuPerThousand, realisticFile } from './realistic-load.ts';

const given = process.argv.find((arg) => arg.startsWith('--requests='));
const requests = given ? Number(given.slice('--requests='.length)) : 2000;
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const inFlight = 4;
const table = 'bench-inventory';

async function stub(mode: 'keep-alive' | 'close') {
  const child = spawn(process.execPath, [new URL('./stub-dynamo.ts', import.meta.url).pathname, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { endpoint: `http://127.0.0.1:${line.trim()}`, stop: () => child.stdin.end() };
}

function rows(count: number, offset: number) {
  const updatedAt = new Date().toISOString();
  return Array.from({ length: count }, (_, index) => ({
    store: `Store ${(offset + index) % 100}`,
    item: `Item ${Math.floor((offset + index) / 100)}`,
    count: 1 + (((offset + index) * 7919) % 500),
    updatedAt,
    uploadId: '0193a4b2-7c1d-7e2f-8a3b-4c5d6e7f8a9b',
  }));
}

function attributeValues(row: ReturnType<typeof rows>[number]): WriteRequest {
  return {
    PutRequest: {
      Item: {
        store: { S: row.store },
        item: { S: row.item },
        count: { N: String(row.count) },
        updatedAt: { S: row.updatedAt },
        uploadId: { S: row.uploadId },
      },
    },
  };
}

type Send = (clients: ReturnType<typeof createAwsClients>, at: number) => Promise<unknown>;

const cases: Record<string, { rowsPerRequest: number; send: Send }> = {
  'lib-dynamodb, 25 rows': {
    rowsPerRequest: 25,
    send: (clients, at) =>
      clients.documents.send(
        new BatchWriteCommand({
          RequestItems: { [table]: rows(25, at * 25).map((row) => ({ PutRequest: { Item: row } })) },
        }),
      ),
  },
  'AttributeValue maps, 25 rows': {
    rowsPerRequest: 25,
    send: (clients, at) =>
      clients.dynamo.send(
        new BatchWriteItemCommand({ RequestItems: { [table]: rows(25, at * 25).map(attributeValues) } }),
      ),
  },
  'AttributeValue maps, 1 row': {
    rowsPerRequest: 1,
    send: (clients, at) =>
      clients.dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: rows(1, at).map(attributeValues) } })),
  },
};

async function cpuPerRequest(endpoint: string, send: Send): Promise<number> {
  process.env.AWS_ACCESS_KEY_ID = 'bench';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  const clients = createAwsClients({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: endpoint }, pino({ level: 'silent' }));
  const run = async (count: number, from: number) => {
    for (let at = 0; at < count; at += inFlight) {
      await Promise.all(
        Array.from({ length: Math.min(inFlight, count - at) }, (_, index) => send(clients, from + at + index)),
      );
    }
  };
  await run(200, 0);
  const before = process.cpuUsage();
  await run(requests, 200);
  const cpu = process.cpuUsage(before);
  clients.destroy();
  return (cpu.user + cpu.system) / requests;
}

const csvMicrosPerThousand = await csvParseCpuPerThousand(realisticFile(200_000, { zeroEvery: 7 }));
process.stdout.write(
  `request-cpu — ${requests} BatchWriteItem requests per case, ${inFlight} in flight, stub endpoint in another process\n`,
);
process.stdout.write(`csv-parse, parse only: ${(csvMicrosPerThousand / 1000).toFixed(2)} ms CPU per 1,000 rows\n\n`);
for (const mode of ['keep-alive', 'close'] as const) {
  const endpoint = await stub(mode);
  try {
    for (const [name, { rowsPerRequest, send }] of Object.entries(cases)) {
      if (only && !`${mode}, ${name}`.includes(only)) continue;
      const micros = await cpuPerRequest(endpoint.endpoint, send);
      const perThousand = (micros / rowsPerRequest) * 1000;
      process.stdout.write(
        `${`${mode}, ${name}`.padEnd(42)} ${micros.toFixed(0).padStart(6)} µs CPU per request, ` +
          `${(perThousand / 1000).toFixed(1).padStart(6)} ms per 1,000 rows (${(perThousand / csvMicrosPerThousand).toFixed(1)}× csv-parse)\n`,
      );
    }
  } finally {
    endpoint.stop();
  }
}
