/**
 * What one DynamoDB request costs the worker's own CPU, apart from the emulator: the worker's
 * clients (createAwsClients, as in the task) against a stub endpoint in another process
 * (stub-dynamo.ts) that answers at once, so the CPU measured (process.cpuUsage) is the SDK's
 * serialising, signing and HTTP, and Agora's code around it. Each case sends `--requests`
 * BatchWriteItems, 4 in flight (as the worker does), after a warm-up:
 *  - 25 realistic rows through lib-dynamodb (the document client's marshalling), as the loader
 *    writes them; the same rows as AttributeValue maps built by the repo (putRequest) on the low-level client; and
 *    one row per request (the fixed cost of a request);
 *  - each against a kept-alive connection (as DynamoDB's) and with `Connection: close` on every
 *    response (as the emulator, werkzeug, does: a new TCP connection per request);
 * and csv-parse's parse-only CPU per 1,000 rows of the realistic file, the target's baseline.
 *   node services/inventory/bench/request-cpu.ts --requests=2000 [--rounds=3] [--only=<part of a case's name>]
 * The cases take turns for `--rounds` rounds; each prints its median and every round's figure.
 * `--profile=<dir>` writes a CPU profile of each case's measured requests only (not the start-up,
 * the warm-up or csv-parse) to <dir>/<case>.cpuprofile, for profile-summary.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { Session } from 'node:inspector/promises';
import { createAwsClients } from '@agora/runtime/aws';
import { loadAverage, median } from '@agora/tools/cli/bench-statistics';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { putRequest } from '../src/inventory-repo.ts';
import { csvParseCpuPerThousand, realisticFile } from './realistic-load.ts';
import { startStubDynamo } from './stub-endpoint.ts';

const given = process.argv.find((arg) => arg.startsWith('--requests='));
const requests = given ? Number(given.slice('--requests='.length)) : 2000;
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const profileDir = process.argv.find((arg) => arg.startsWith('--profile='))?.slice('--profile='.length);
const rounds = Number(process.argv.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length) ?? 3);
const inFlight = 4;
const table = 'bench-inventory';

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

type Send = (clients: ReturnType<typeof createAwsClients>, at: number, endpoint: string) => Promise<unknown>;

interface Case {
  readonly rowsPerRequest: number;
  readonly send: Send;
  /** false for the case that sends without the SDK (nothing to tune) */
  readonly sdk?: false;
  /** false: the same case on clients with the SDK's per-request defaults */
  readonly tuned?: boolean;
}

const tunedCases: Record<string, Case> = {
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
      clients.dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: rows(25, at * 25).map(putRequest) } })),
  },
  'AttributeValue maps, 1 row': {
    rowsPerRequest: 1,
    send: (clients, at) =>
      clients.dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: rows(1, at).map(putRequest) } })),
  },
  // The floor under any HTTP client: the same JSON body POSTed by node:http on a kept-alive
  // agent, unsigned, its answer parsed; no SDK.
  'bare node:http POST, 25 rows, no SDK': {
    rowsPerRequest: 25,
    sdk: false,
    send: (clients, at, endpoint) =>
      barePost(clients, endpoint, JSON.stringify({ RequestItems: { [table]: rows(25, at * 25).map(putRequest) } })),
  },
};

// Each SDK case again on clients with the SDK's per-request defaults (createAwsClients'
// `tuned: false`: no aws-tuning.ts), printed beside the tuned case as a ratio.
const cases = Object.fromEntries(
  Object.entries(tunedCases).flatMap(([name, value]) =>
    value.sdk === false
      ? [[name, value]]
      : [
          [name, value],
          [`SDK defaults, ${name}`, { ...value, tuned: false }],
        ],
  ),
);

const bareAgents = new WeakMap<object, Agent>();
function barePost(clients: ReturnType<typeof createAwsClients>, url: string, body: string): Promise<unknown> {
  const agent = bareAgents.get(clients) ?? new Agent({ keepAlive: true, maxSockets: 50 });
  bareAgents.set(clients, agent);
  const endpoint = new URL(url);
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: endpoint.hostname,
        port: endpoint.port,
        method: 'POST',
        path: '/',
        agent,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.BatchWriteItem',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString())));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

/** Runs `measured` under the CPU profiler when --profile is given, writing <dir>/<name>.cpuprofile. */
async function profiled<T>(name: string, measured: () => Promise<T>): Promise<T> {
  if (!profileDir) return measured();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const result = await measured();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  await mkdir(profileDir, { recursive: true });
  await writeFile(`${profileDir}/${name.replaceAll(/[^a-z0-9]+/gi, '-')}.cpuprofile`, JSON.stringify(profile));
  return result;
}

async function cpuPerRequest(name: string, endpoint: string, send: Send, tuned = true): Promise<number> {
  process.env.AWS_ACCESS_KEY_ID = 'bench';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  const clients = createAwsClients({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: endpoint }, pino({ level: 'silent' }), {
    tuned,
  });
  const run = async (count: number, from: number) => {
    for (let at = 0; at < count; at += inFlight) {
      await Promise.all(
        Array.from({ length: Math.min(inFlight, count - at) }, (_, index) =>
          send(clients, from + at + index, endpoint),
        ),
      );
    }
  };
  await run(200, 0);
  const cpu = await profiled(name, async () => {
    const before = process.cpuUsage();
    await run(requests, 200);
    return process.cpuUsage(before);
  });
  clients.destroy();
  bareAgents.get(clients)?.destroy();
  return (cpu.user + cpu.system) / requests;
}

const csvMicrosPerThousand = await csvParseCpuPerThousand(realisticFile(200_000, { zeroEvery: 7 }));
process.stdout.write(
  `request-cpu — ${requests} BatchWriteItem requests per case, ${inFlight} in flight, stub endpoint in another process\n`,
);
process.stdout.write(`csv-parse, parse only: ${(csvMicrosPerThousand / 1000).toFixed(2)} ms CPU per 1,000 rows\n\n`);
for (const mode of ['keep-alive', 'close'] as const) {
  const endpoint = await startStubDynamo(mode);
  try {
    const chosen = Object.entries(cases).filter(([name]) => !only || `${mode}, ${name}`.includes(only));
    // The cases take turns, round after round, so the machine's load hits them alike; the median.
    const measured = new Map<string, number[]>(chosen.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      // Reversed every other round, so no case always runs right after another.
      for (const [name, { send, tuned }] of round % 2 ? [...chosen].reverse() : chosen) {
        measured
          .get(name)
          ?.push(await cpuPerRequest(`${mode}, ${name}, round ${round + 1}`, endpoint.endpoint, send, tuned));
      }
    }
    for (const [name, { rowsPerRequest }] of chosen) {
      const all = (measured.get(name) ?? []).sort((a, b) => a - b);
      const micros = median(all);
      const perThousand = (micros / rowsPerRequest) * 1000;
      process.stdout.write(
        `${`${mode}, ${name}`.padEnd(52)} ${micros.toFixed(0).padStart(6)} µs CPU per request, ` +
          `${(perThousand / 1000).toFixed(1).padStart(6)} ms per 1,000 rows (${(perThousand / csvMicrosPerThousand).toFixed(1)}× csv-parse)` +
          `  [rounds: ${all.map((value) => value.toFixed(0)).join(', ')}]\n`,
      );
    }
    for (const [name] of chosen) {
      const defaults = measured.get(`SDK defaults, ${name}`);
      const tuned = measured.get(name);
      if (!defaults?.length || !tuned?.length) continue;
      process.stdout.write(
        `${`${mode}, ${name}: tuned / SDK defaults`.padEnd(52)} ${median(tuned).toFixed(0)} / ${median(defaults).toFixed(0)} µs CPU per request = ${(median(tuned) / median(defaults)).toFixed(2)}\n`,
      );
    }
  } finally {
    endpoint.stop();
  }
}
process.stdout.write(`load average ${loadAverage()}\n`);
