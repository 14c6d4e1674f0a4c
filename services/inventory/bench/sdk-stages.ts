/**
 * Where one DynamoDB request's time goes inside the SDK, stage by stage, with the SDK's defaults
 * and with Agora's tuning (packages/runtime/src/aws-tuning.ts): the worker's clients
 * (createAwsClients, tuned or not) send `--requests` 1-row BatchWriteItems one at a time to
 * stub-dynamo.ts (another process, kept-alive connection, answers at once). Probes placed just
 * outside and just inside each of the SDK's middlewares time it: its own work on the way down
 * (before it calls the next) plus on the way up (after the next returns). One request at a time,
 * so a stage's wall time is its CPU, except the HTTP exchange (the stub's answer included).
 * Prints each stage's median µs, defaults → tuned, then CPU per request (process.cpuUsage).
 *   node services/inventory/bench/sdk-stages.ts --requests=2000 [--rounds=3]
 */
import { createAwsClients } from '@agora/runtime/aws';
import { loadAverage, median } from '@agora/tools/cli/bench-statistics';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { pino } from 'pino';
import { putRequest } from '../src/inventory-repo.ts';
import { startStubDynamo } from './stub-endpoint.ts';

const argument = (name: string, fallback: number) => {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given ? Number(given.slice(name.length + 3)) : fallback;
};
const requests = argument('requests', 2000);
const rounds = argument('rounds', 3);
const table = 'bench-inventory';

/** The SDK middlewares timed, by their stack names, with what each does. */
const stages = [
  ['serializerMiddleware', 'endpoint resolution, serialising'],
  ['recursionDetectionMiddleware', 'recursion detection'],
  ['getUserAgentMiddleware', 'user agent'],
  ['retryMiddleware', 'retry bookkeeping'],
  ['httpSigningMiddleware', 'signing'],
  ['deserializerMiddleware', 'reading the answer'],
] as const;

type Handler = (args: unknown) => Promise<unknown>;
interface Stack {
  addRelativeTo(
    middleware: (next: Handler) => Handler,
    options: { relation: 'before' | 'after'; toMiddleware: string; name: string },
  ): void;
  identify(): string[];
}

/** Adds the probes around each stage present; returns the per-request micros of each. */
function probe(stack: Stack): Map<string, number[]> {
  const present = new Set(stack.identify().map((line) => line.split(' ')[0]));
  const times = new Map<string, number[]>();
  for (const [name] of stages) {
    if (!present.has(name)) continue;
    times.set(name, []);
    let enteredOuter = 0;
    let enteredInner = 0;
    let returnedInner = 0;
    stack.addRelativeTo(
      (next) => async (args) => {
        enteredOuter = performance.now();
        const result = await next(args);
        times.get(name)?.push((enteredInner - enteredOuter + performance.now() - returnedInner) * 1000);
        return result;
      },
      { relation: 'before', toMiddleware: name, name: `probe-outer-${name}` },
    );
    stack.addRelativeTo(
      (next) => async (args) => {
        enteredInner = performance.now();
        const result = await next(args);
        returnedInner = performance.now();
        return result;
      },
      { relation: 'after', toMiddleware: name, name: `probe-inner-${name}` },
    );
  }
  return times;
}

const row = (at: number) =>
  putRequest({
    store: `Store ${at % 100}`,
    item: `Item ${Math.floor(at / 100)}`,
    count: 1 + ((at * 7919) % 500),
    updatedAt: new Date().toISOString(),
    uploadId: '0193a4b2-7c1d-7e2f-8a3b-4c5d6e7f8a9b',
  });

async function measure(endpoint: string, tuned: boolean, probed: boolean) {
  const clients = createAwsClients({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: endpoint }, pino({ level: 'silent' }), {
    tuned,
  });
  const times = probed ? probe(clients.dynamo.middlewareStack as unknown as Stack) : new Map<string, number[]>();
  const send = (at: number) => clients.dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: [row(at)] } }));
  for (let at = 0; at < 200; at++) await send(at);
  for (const values of times.values()) values.length = 0;
  const before = process.cpuUsage();
  for (let at = 0; at < requests; at++) await send(200 + at);
  const cpu = process.cpuUsage(before);
  clients.destroy();
  return {
    stages: new Map([...times].map(([name, values]) => [name, median(values)])),
    cpuPerRequest: (cpu.user + cpu.system) / requests,
  };
}

process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
const stub = await startStubDynamo('keep-alive');
try {
  const ways = { defaults: false, tuned: true } as const;
  const stageRounds = new Map<string, number[]>();
  const cpuRounds = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [way, tuned] of Object.entries(ways)) {
      // The stage figures from a probed client, the CPU per request from one without probes.
      const probed = await measure(stub.endpoint, tuned, true);
      for (const [name, micros] of probed.stages) {
        const key = `${way} ${name}`;
        stageRounds.set(key, [...(stageRounds.get(key) ?? []), micros]);
      }
      const plain = await measure(stub.endpoint, tuned, false);
      cpuRounds.set(way, [...(cpuRounds.get(way) ?? []), plain.cpuPerRequest]);
    }
  }
  process.stdout.write(
    `sdk-stages — ${requests} 1-row BatchWriteItems one at a time, ${rounds} rounds, stub endpoint in another process, load average ${loadAverage()}\n`,
  );
  process.stdout.write(
    `${'stage (median wall µs per request)'.padEnd(60)} ${'defaults'.padStart(9)} ${'tuned'.padStart(9)}\n`,
  );
  const figure = (key: string) => {
    const values = stageRounds.get(key);
    return values ? median(values).toFixed(0) : 'removed';
  };
  for (const [name, label] of stages) {
    process.stdout.write(
      `${`${label} (${name})`.padEnd(60)} ${figure(`defaults ${name}`).padStart(9)} ${figure(`tuned ${name}`).padStart(9)}\n`,
    );
  }
  const cpu = (way: string) => median(cpuRounds.get(way) ?? []);
  process.stdout.write(
    `${'CPU per request (no probes)'.padEnd(60)} ${cpu('defaults').toFixed(0).padStart(9)} ${cpu('tuned').toFixed(0).padStart(9)}  tuned/defaults = ${(cpu('tuned') / cpu('defaults')).toFixed(2)}\n`,
  );
} finally {
  stub.stop();
}
