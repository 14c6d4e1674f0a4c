/**
 * What a process loads before it serves: each deployable's entry, started the way its image's
 * warm-up starts it (the instrument module first, tracing on as on ECS, no service environment, so
 * it loads its whole static module graph and stops at the configuration), must not load Node's
 * bundled undici. An ES module's value import from node:http does (packages/runtime/src/node-http.ts
 * says why): ~80 ms and ~13 MB of RSS at every start, for nothing the process uses by then.
 * The gateway is not checked: it proxies with the undici package and fetches the services'
 * documents, so undici is its own dependency.
 * Nor may any deployable, the gateway included, load a file of a package a bundle holds
 * (packages/runtime/src/vendor): every import and require() of one must be served by its bundle,
 * else the package's own files load beside it (a second copy, and the memory the bundle saves).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type ServiceDefinition, services } from '@agora/catalogue';
import { vendoredManifest } from '@agora/runtime/bundle-redirects';
import { instrumentModule } from '../src/local/launcher.ts';
import { repoRoot } from '../src/paths.ts';

const run = promisify(execFile);

// registered before the instrument module: on exit, whether any of Node's undici modules loaded
const probe = `process.on('exit', () => process.stderr.write('\\nundici loaded: ' + process.moduleLoadList.some((name) => name.includes('internal/deps/undici'))));`;
// and every module file it loaded
const loadProbe = `
  import { registerHooks } from 'node:module';
  const loaded = [];
  registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
  process.on('exit', () => process.stderr.write('\\nloaded: ' + JSON.stringify(loaded)));
`;

/** How a deployable's start went: whether Node's undici loaded, and the module files it loaded. */
async function startOf(entry: string): Promise<{ undici: boolean; loaded: string[] }> {
  const outcome = await run(
    process.execPath,
    [
      `--import=data:text/javascript,${encodeURIComponent(probe)}`,
      `--import=data:text/javascript,${encodeURIComponent(loadProbe)}`,
      `--import=${instrumentModule}`,
      entry,
    ],
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
  const answer = /undici loaded: (true|false)$/m.exec(outcome.stderr ?? '')?.[1];
  const loaded = /^loaded: (.*)$/m.exec(outcome.stderr ?? '')?.[1];
  assert.ok(answer && loaded, `the probes reported on ${entry}`);
  return { undici: answer === 'true', loaded: JSON.parse(loaded) as string[] };
}

const starts = new Map<string, Promise<{ undici: boolean; loaded: string[] }>>();
/** Each deployable is started once for both checks. */
function startOnce(entry: string) {
  let start = starts.get(entry);
  if (!start) {
    start = startOf(entry);
    starts.set(entry, start);
  }
  return start;
}
const entryOf = (service: ServiceDefinition) => `services/${service.workspace}/${service.entry}`;

describe("a process's start", () => {
  it("loads no part of Node's bundled undici in any deployable but the gateway", async () => {
    const checked = services.filter((service) => service.kind !== 'gateway');
    assert.ok(checked.length >= 6, `${checked.length} deployables checked`);
    const loading: string[] = [];
    for (const service of checked) {
      if ((await startOnce(entryOf(service))).undici) loading.push(service.name);
    }
    assert.deepEqual(loading, []);
  });

  it('loads no file of a package a bundle holds, in any deployable (the bundle serves every import of it)', async () => {
    const bundled = Object.values(vendoredManifest()).flatMap((bundle) => Object.keys(bundle.packages));
    const loadedFiles: Record<string, string[]> = {};
    for (const service of services) {
      const { loaded } = await startOnce(entryOf(service));
      const files = loaded.filter((url) => bundled.some((location) => url.includes(`/${location}/`)));
      if (files.length > 0) loadedFiles[service.name] = files;
    }
    assert.deepEqual(loadedFiles, {});
  });

  it('loads no part of the S3 SDK in the inventory API: it is loaded at the first upload', async () => {
    const inventory = services.find((service) => service.name === 'inventory') as ServiceDefinition;
    const { loaded } = await startOnce(entryOf(inventory));
    assert.ok(
      loaded.some((url) => url.includes('/services/inventory/src/routes/uploads.ts')),
      'the upload route is loaded',
    );
    assert.deepEqual(
      loaded.filter((url) => /\/node_modules\/@aws-sdk\/(client-s3|lib-storage)\//.test(url)),
      [],
    );
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
