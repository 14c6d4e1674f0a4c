/**
 * What a process loads before it serves: each deployable's entry, started the way its image's
 * warm-up starts it (the instrument module first, tracing on as on ECS, no service environment, so
 * it loads its whole static module graph and stops at the configuration), must not load Node's
 * bundled undici. An ES module's value import from node:http does (packages/runtime/src/node-http.ts
 * says why): ~80 ms and ~13 MB of RSS at every start, for nothing the process uses by then.
 * The gateway is not checked: it proxies with the undici package and fetches the services'
 * documents, so undici is its own dependency.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { services } from '@agora/catalogue';
import { instrumentModule } from '../src/local/launcher.ts';
import { repoRoot } from '../src/paths.ts';

const run = promisify(execFile);

// registered before the instrument module: on exit, whether any of Node's undici modules loaded
const probe = `process.on('exit', () => process.stderr.write('\\nundici loaded: ' + process.moduleLoadList.some((name) => name.includes('internal/deps/undici'))));`;

async function loadsUndici(entry: string): Promise<boolean> {
  const outcome = await run(
    process.execPath,
    [`--import=data:text/javascript,${encodeURIComponent(probe)}`, `--import=${instrumentModule}`, entry],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      },
    },
  ).then(
    () => assert.fail(`${entry} started without its configuration`),
    (error: { code?: number; stderr?: string }) => error,
  );
  assert.equal(outcome.code, 1, `${entry} exits 1`);
  assert.match(outcome.stderr ?? '', /^Invalid configuration:/m, `${entry} stops at its configuration`);
  const answer = /undici loaded: (true|false)$/.exec(outcome.stderr ?? '')?.[1];
  assert.ok(answer, `the probe reported on ${entry}`);
  return answer === 'true';
}

describe("a process's start", () => {
  it("loads no part of Node's bundled undici in any deployable but the gateway", async () => {
    const checked = services.filter((service) => service.kind !== 'gateway');
    assert.ok(checked.length >= 6, `${checked.length} deployables checked`);
    const loading: string[] = [];
    for (const service of checked) {
      if (await loadsUndici(`services/${service.workspace}/${service.entry}`)) loading.push(service.name);
    }
    assert.deepEqual(loading, []);
  });

  it('would see it: an ES module importing a value from node:http loads undici', async () => {
    // the check above can fail: the same probe on the import it guards against
    const { stderr } = await run(
      process.execPath,
      [
        `--import=data:text/javascript,${encodeURIComponent(probe)}`,
        '--input-type=module',
        '-e',
        "import { STATUS_CODES } from 'node:http'; void STATUS_CODES;",
      ],
      { cwd: repoRoot },
    );
    assert.match(stderr, /undici loaded: true$/);
  });
});
