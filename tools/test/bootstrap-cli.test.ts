/**
 * The bootstrap command as compose's one-shot container runs it (tools/src/local/bootstrap-cli.ts),
 * against the emulator: the environment files it writes send every process's spans to the trace
 * viewer when one answers at AGORA_TRACE_VIEWER (compose's `traces` profile on), and carry no
 * exporter, so tracing stays off, when the name does not resolve (the profile off).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseEnv } from 'node:util';
import { services } from '@agora/catalogue';
import { repoRoot } from '../src/paths.ts';
import { runCommand } from '../src/testing/run-command.ts';
import { emulatorEndpoint, uniquePrefix } from '../src/testing/testing.ts';

const endpoint = await emulatorEndpoint();
const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Runs the bootstrap with the viewer at `viewer`; returns each service's environment file, parsed. */
async function bootstrapWith(viewer: string) {
  const dir = await mkdtemp(join(tmpdir(), 'agora-bootstrap-cli-'));
  dirs.push(dir);
  const started = Date.now();
  const result = await runCommand(process.execPath, [`${repoRoot}tools/src/local/bootstrap-cli.ts`], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AGORA_PREFIX: uniquePrefix('bootcli'),
      AGORA_ENV_DIR: dir,
      AGORA_TRACE_VIEWER: viewer,
    },
  });
  assert.equal(result.code, 0, result.stderr);
  const files = new Map<string, Record<string, string | undefined>>();
  for (const service of services) {
    files.set(service.name, parseEnv(await readFile(join(dir, service.name, 'service.env'), 'utf8')));
  }
  return { files, stdout: result.stdout, ms: Date.now() - started };
}

describe('bootstrap-cli and the trace viewer', () => {
  test('no viewer (the profile off): every file names its service and no exporter', async (t) => {
    const { files, stdout, ms } = await bootstrapWith('http://zipkin.invalid:9411');
    t.diagnostic(`bootstrap took ${ms} ms`);
    assert.match(stdout, /no trace viewer at http:\/\/zipkin\.invalid:9411 \(ENOTFOUND\); tracing off/);
    assert.equal(files.size, services.length);
    for (const [name, env] of files) {
      assert.equal(env.OTEL_SERVICE_NAME, name);
      const tracing = Object.keys(env).filter((key) => key.startsWith('OTEL_') && key !== 'OTEL_SERVICE_NAME');
      assert.deepEqual(tracing, [], `${name} gets no exporter`);
    }
  });

  test("a viewer answering its health check: every process sends its spans to the viewer's Zipkin endpoint", async () => {
    const probes: string[] = [];
    const viewer = createServer((request, response) => {
      probes.push(`${request.method} ${request.url}`);
      response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
      response.end('{"status":"UP"}');
    });
    viewer.listen(0, '127.0.0.1');
    await once(viewer, 'listening');
    const base = `http://127.0.0.1:${(viewer.address() as AddressInfo).port}`;
    try {
      const { files } = await bootstrapWith(base);
      assert.deepEqual(probes, ['GET /health']);
      for (const [name, env] of files) {
        assert.equal(env.OTEL_SERVICE_NAME, name);
        assert.equal(env.OTEL_TRACES_EXPORTER, 'zipkin', name);
        assert.equal(env.OTEL_EXPORTER_ZIPKIN_ENDPOINT, `${base}/api/v2/spans`, name);
      }
    } finally {
      viewer.close();
    }
  });
});
