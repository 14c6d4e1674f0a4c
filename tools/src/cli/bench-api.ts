/**
 * `npm run bench:api` (not part of `npm test`): what the gateway and the platform's base app cost,
 * measured in one run on this machine, loopback only, bounded in time.
 *   1. requests/s of GET /health: bare Fastify hello-world, the users service directly, and the
 *      gateway; the gateway answers /health itself, so the proxy hop is measured on a routed path
 *      that touches no table (GET /.well-known/jwks.json), directly and through the gateway;
 *   2. p50/p99 latency of listing 50 messages (with author names) through the gateway, and directly.
 * Figures are printed as ratios against the baseline measured in the same run.
 *   BENCH_SECONDS (default 5) per measurement, BENCH_CONNECTIONS (default 10); --monolith for that topology.
 */
import { callApi } from './api-call.ts';
import { autocannon, type LoadResult, topicWithFiftyMessages, withSystemAndBaseline } from './bench-fixtures.ts';

type Result = LoadResult;

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const topology = process.argv.includes('--monolith') ? 'monolith' : 'microservices';

async function measure(label: string, url: string, concurrent = connections): Promise<Result> {
  // a short warm-up so JIT and connection set-up are not in the figures
  await autocannon({ url, connections: concurrent, duration: 1 });
  const result = await autocannon({ url, connections: concurrent, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${label}: ${result.non2xx} non-2xx answers and ${result.errors} errors; the figures would lie`);
  }
  process.stdout.write(
    `  ${label.padEnd(46)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms\n`,
  );
  return result;
}

const ratio = (a: Result, b: Result) => (a.requests.average / b.requests.average).toFixed(2);

process.stdout.write(`bench:api — ${topology}, ${connections} connections, ${seconds} s per measurement\n`);
await withSystemAndBaseline(
  { logLevel: 'warn', topology, serviceEnv: { RATE_LIMIT_PER_MINUTE: '100000000' } },
  async (system, hello) => {
    const gateway = system.gatewayUrl;
    const users = system.processes.get(topology === 'monolith' ? 'forum' : 'users')?.url as string;
    const messages = system.processes.get(topology === 'monolith' ? 'forum' : 'messages')?.url as string;
    const { topicId } = await topicWithFiftyMessages(gateway);
    const listPath = `/api/topics/${topicId}/messages?limit=50`;
    const listed = await callApi(gateway, 'GET', listPath);
    if ((listed.body.items as unknown[]).length !== 50) throw new Error('the page does not hold 50 messages');

    process.stdout.write('\nrequests/s\n');
    const bare = await measure('GET /health  bare Fastify hello-world', `${hello.url}/health`);
    const usersName = topology === 'monolith' ? 'forum monolith' : 'users service';
    const direct = await measure(`GET /health  ${usersName}, directly`, `${users}/health`);
    const gatewayOwn = await measure('GET /health  gateway (answered by the gateway)', `${gateway}/health`);
    const jwksDirect = await measure(
      `GET /.well-known/jwks.json  ${usersName}, directly`,
      `${users}/.well-known/jwks.json`,
    );
    const jwksProxied = await measure(
      'GET /.well-known/jwks.json  through the gateway',
      `${gateway}/.well-known/jwks.json`,
    );

    process.stdout.write('\nlisting 50 messages (one DynamoDB Query on the emulator)\n');
    const listDirect = await measure(
      `GET 50 messages  ${topology === 'monolith' ? 'forum monolith' : 'messages service'}, directly`,
      `${messages}${listPath}`,
    );
    const listProxied = await measure('GET 50 messages  through the gateway', `${gateway}${listPath}`);
    const listAlone = await measure('GET 50 messages  through the gateway, 1 conn.', `${gateway}${listPath}`, 1);

    process.stdout.write(`
ratios (requests/s)
  ${usersName.padEnd(14)} /health ÷ bare Fastify           ${ratio(direct, bare)}
  gateway /health ÷ bare Fastify                    ${ratio(gatewayOwn, bare)}
  jwks through the gateway ÷ jwks directly          ${ratio(jwksProxied, jwksDirect)}
  jwks through the gateway ÷ bare Fastify /health   ${ratio(jwksProxied, bare)}
listing 50 messages through the gateway, ${connections} connections: p50 ${listProxied.latency.p50} ms, p99 ${listProxied.latency.p99} ms (directly: p50 ${listDirect.latency.p50} ms, p99 ${listDirect.latency.p99} ms)
listing 50 messages through the gateway, one at a time: p50 ${listAlone.latency.p50} ms, p99 ${listAlone.latency.p99} ms
`);
  },
);
