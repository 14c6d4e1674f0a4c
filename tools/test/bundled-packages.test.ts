/**
 * The bundled packages every process loads instead of the packages' own files
 * (packages/runtime/src/bundled-modules.ts): TypeBox, and the OpenTelemetry set tracing loads. The
 * committed bundles must be exactly what the generator makes from the installed packages; a
 * process started the way the launcher and the image start it must get every bundled specifier
 * from them, one copy shared by Agora's code and its dependencies, and with tracing on, still
 * trace what the instrumentations patch (http, fetch, the AWS SDK) without loading one file of the
 * OpenTelemetry packages; a bundle whose packages are installed in other versions redirects nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { imageBuildArgs, services } from '@agora/catalogue';
import { bundleRedirects, vendoredManifest } from '@agora/runtime/bundle-redirects';
import { type Lockfile, workspaceClosure } from '../src/image-build/closure.ts';
import { bundles, runtimeImports, vendorDir, writeBundles } from '../src/install/bundled-packages.ts';
import { instrumentModule } from '../src/local/launcher.ts';
import { repoRoot } from '../src/paths.ts';
import { startOtlpReceiver } from '../src/testing/otlp-receiver.ts';

const run = promisify(execFile);
const otelDir = join(vendorDir, 'opentelemetry');

/** Every file under `dir`, relative to it, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  return ((await readdir(dir, { recursive: true, withFileTypes: true })) as { name: string; parentPath: string }[])
    .filter((entry) => entry.name.includes('.'))
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

// A hook registered before the instrument module's sees every module the process loads.
const loadProbe = `
  import { registerHooks } from 'node:module';
  const loaded = [];
  registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
  process.on('exit', () => process.stderr.write(JSON.stringify(loaded)));
`;

/** Runs `script` (an ES module) as the image starts a service: the instrument module first; its stdout (JSON) and the URLs it loaded. */
async function startedLikeAService(script: string, env: Record<string, string> = {}) {
  const { stdout, stderr } = await run(
    process.execPath,
    [
      `--import=data:text/javascript,${encodeURIComponent(loadProbe)}`,
      `--import=${instrumentModule}`,
      '--input-type=module',
      '-e',
      script,
    ],
    { cwd: join(repoRoot, 'packages/runtime'), env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
  );
  return { answer: JSON.parse(stdout) as Record<string, unknown>, loaded: JSON.parse(stderr) as string[] };
}

const opentelemetryPackageFiles = (loaded: string[]) =>
  loaded.filter((url) => url.includes('/node_modules/@opentelemetry/'));
const fromBundle = (loaded: string[], dir: string) => loaded.filter((url) => url.startsWith(`${pathToFileURL(dir)}/`));

describe('the bundled packages', () => {
  it('are exactly what the generator writes from the installed packages (else: npm run vendor:bundles)', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'agora-bundles-'));
    try {
      const manifest = await writeBundles(fresh);
      assert.ok(manifest.typebox?.entries['typebox/compile'], 'typebox/compile is an entry point');
      // what Agora imports, and nothing else: tracing.ts's SDK pieces and trace-context's api
      assert.ok(manifest.opentelemetry?.entries['@opentelemetry/api'], '@opentelemetry/api is an entry point');
      assert.ok(manifest.opentelemetry?.entries['@opentelemetry/sdk-trace'], 'tracing.ts imports the SDK');
      assert.equal(manifest.opentelemetry?.entries['@opentelemetry/semantic-conventions'], undefined);
      // every one of the runtime's dependencies outside the other bundles, and what packages no
      // bundle holds require of it (@fastify/multipart: secure-json-parse); never the AWS SDK's
      for (const specifier of ['fastify', 'pino', '@fastify/swagger', 'require-in-the-middle', 'secure-json-parse']) {
        assert.ok(manifest.fastify?.entries[specifier], `${specifier} is an entry point`);
      }
      // the inventory images' own packages, in their own bundle: what its imports need of the
      // runtime's packages (@fastify/multipart's fastify-plugin) stays the fastify bundle's
      assert.deepEqual(Object.keys(manifest.inventory?.entries ?? {}), ['@fastify/multipart', 'csv-parse']);
      assert.deepEqual(Object.keys(manifest.inventory?.packages ?? {}), [
        'node_modules/@fastify/busboy',
        'node_modules/@fastify/multipart',
        'node_modules/csv-parse',
      ]);
      const locations = Object.values(manifest).flatMap((bundle) => Object.keys(bundle.packages));
      assert.deepEqual(
        locations.filter((location) => /node_modules\/@(aws-sdk|smithy|aws)\//.test(location)),
        [],
      );
      const files = await filesUnder(fresh);
      assert.deepEqual(await filesUnder(vendorDir), files);
      for (const file of files) {
        assert.equal(
          await readFile(join(vendorDir, file), 'utf8'),
          await readFile(join(fresh, file), 'utf8'),
          `${file} differs from a fresh bundle`,
        );
      }
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('holds only packages each image that loads it keeps, so the redirect holds in each image', async () => {
    // Dockerfile.base prunes node_modules to the workspace's production closure; a bundle one of
    // whose packages an image lacks is, there, not redirected at all. The runtime's bundles are
    // loaded by every image (each service depends on the runtime), the inventory bundle by the
    // inventory workspace's images (the catalogue's imageBuildArgs say which workspace each is).
    const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as Lockfile;
    const manifest = vendoredManifest();
    const loadedBy: Record<string, string[]> = {};
    for (const definition of bundles) loadedBy[definition.name] = definition.imageWorkspaces();
    const everyImage = [...new Set(services.map((service) => imageBuildArgs(service).WORKSPACE))].sort();
    assert.deepEqual(loadedBy, {
      typebox: everyImage,
      opentelemetry: everyImage,
      fastify: everyImage,
      inventory: ['services/inventory'],
    });
    const missing: Record<string, string[]> = {};
    for (const [name, workspaces] of Object.entries(loadedBy)) {
      for (const workspace of workspaces) {
        const kept = new Set(workspaceClosure(lock, workspace).packages);
        const absent = Object.keys(manifest[name]?.packages ?? {}).filter((location) => !kept.has(location));
        if (absent.length > 0) missing[`${name} in ${workspace}`] = absent;
      }
    }
    assert.deepEqual(missing, {});
  });

  it("takes a bundle's entry points from the imports that run, not from type-only ones", () => {
    const source = `
      import type { Span } from '@opentelemetry/api';
      import { type Tracer } from '@opentelemetry/core';
      export { x } from './local.ts';
      export type { Y } from '@opentelemetry/resources';
      const sdk = await import('@opentelemetry/sdk-trace');
    `;
    assert.deepEqual(runtimeImports(source, 'probe.ts'), [
      '@opentelemetry/core',
      './local.ts',
      '@opentelemetry/sdk-trace',
    ]);
  });

  it('serves every typebox import of a process started with the instrument module, and no file of the package', async () => {
    const { answer, loaded } = await startedLikeAService(`
      const { Type } = await import('typebox');
      const { Compile } = await import('typebox/compile');
      const provider = await import('@fastify/type-provider-typebox');
      provider.registerAjvFormats();
      const check = Compile(Type.Object({ id: Type.String({ format: 'uuid' }) }));
      process.stdout.write(JSON.stringify({
        sameType: provider.Type === Type,
        valid: check.Check({ id: '0192e3f4-5a6b-7c8d-9e0f-123456789abc' }),
        invalid: check.Check({ id: 'not a uuid' }),
        resolved: import.meta.resolve('typebox/compile'),
      }));
    `);
    assert.deepEqual(answer, {
      sameType: true,
      valid: true,
      invalid: false,
      resolved: pathToFileURL(join(vendorDir, 'typebox/compile.mjs')).href,
    });
    const typebox = fromBundle(loaded, join(vendorDir, 'typebox'));
    assert.ok(typebox.length >= 3, `${typebox.length} modules loaded from the bundle`);
    assert.deepEqual(
      loaded.filter((url) => url.includes('/node_modules/typebox/')),
      [],
      'files of the typebox package',
    );
  });

  it('with tracing on, traces an HTTP request, its fetch and its AWS SDK call, loading no file of the OpenTelemetry packages', async () => {
    const receiver = await startOtlpReceiver();
    try {
      // http is patched for CommonJS requires (as Fastify's), so the server comes from require().
      const { answer, loaded } = await startedLikeAService(
        `
        import { createRequire } from 'node:module';
        const require = createRequire(import.meta.url);
        const http = require('node:http');
        const api = await import('@opentelemetry/api');
        const { SQSClient, GetQueueUrlCommand } = require('@aws-sdk/client-sqs');
        const { stopTracing } = await import('@agora/runtime/tracing');
        const server = http.createServer(async (request, response) => {
          if (request.url === '/probe') {
            const { port } = server.address();
            await fetch('http://127.0.0.1:' + port + '/target');
            const sqs = new SQSClient({
              endpoint: 'http://127.0.0.1:' + port + '/aws', region: 'eu-west-1', maxAttempts: 1,
              credentials: { accessKeyId: 'probe', secretAccessKey: 'probe' },
            });
            await sqs.send(new GetQueueUrlCommand({ QueueName: 'probe' })).catch(() => {});
            response.end(JSON.stringify({ traceId: api.trace.getActiveSpan()?.spanContext().traceId }));
          } else {
            response.writeHead(request.url === '/target' ? 200 : 400).end();
          }
        });
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        const body = await new Promise((resolve, reject) => {
          http.get('http://127.0.0.1:' + server.address().port + '/probe', (response) => {
            let text = '';
            response.on('data', (chunk) => { text += chunk; }).on('end', () => resolve(text));
          }).on('error', reject);
        });
        server.close();
        await stopTracing();
        process.stdout.write(JSON.stringify({ ...JSON.parse(body), api: import.meta.resolve('@opentelemetry/api') }));
      `,
        { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'bundle-probe' },
      );
      assert.equal(answer.api, pathToFileURL(join(otelDir, 'api.mjs')).href);
      assert.match(String(answer.traceId), /^[0-9a-f]{32}$/, "the app's @opentelemetry/api sees the SDK's active span");
      const inTrace = receiver.spans.filter((span) => span.traceId === answer.traceId);
      const server = inTrace.find((span) => span.kind === 'server' && span.parentSpanId === undefined);
      assert.ok(server, `the request's server span (${JSON.stringify(inTrace)})`);
      const children = inTrace.filter((span) => span.parentSpanId === server.spanId);
      assert.ok(
        children.some((span) => span.kind === 'client' && span.attributes['url.full']?.toString().endsWith('/target')),
        "fetch's span (undici)",
      );
      assert.ok(
        children.some(
          (span) => span.attributes['rpc.service'] === 'SQS' && span.attributes['rpc.method'] === 'GetQueueUrl',
        ),
        "the AWS SDK's span",
      );
      assert.deepEqual(opentelemetryPackageFiles(loaded), [], 'files of the OpenTelemetry packages');
      assert.ok(fromBundle(loaded, otelDir).length >= 10, 'the SDK and instrumentations come from the bundle');
    } finally {
      await receiver.close();
    }
  });

  it('serves a CommonJS package as Node does: the same export names, require() gets its exports object, and Fastify runs from the bundle', async () => {
    const probe = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const names = {};
      for (const specifier of ['fastify', 'pino', 'fastify-plugin', 'secure-json-parse', '@fastify/multipart', 'csv-parse']) {
        names[specifier] = Object.keys(await import(specifier)).sort();
      }
      const { fastify } = await import('fastify');
      const app = fastify({ logger: false });
      await app.register((await import('@fastify/cors')).default, { origin: 'https://agora.example' });
      app.get('/probe', { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } }, async () => ({ ok: true, dropped: 1 }));
      const response = await app.inject({ url: '/probe', headers: { origin: 'https://agora.example' } });
      process.stdout.write(JSON.stringify({
        names,
        required: typeof require('pino'),
        sameExports: require('fastify-plugin') === (await import('fastify-plugin')).default,
        body: response.json(),
        cors: response.headers['access-control-allow-origin'],
        resolved: import.meta.resolve('fastify'),
      }));
    `;
    const { answer, loaded } = await startedLikeAService(probe);
    // the same probe without the instrument module: the packages' own files
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: join(repoRoot, 'packages/runtime'),
      env: { PATH: process.env.PATH ?? '' },
    });
    const native = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(answer.resolved, pathToFileURL(join(vendorDir, 'fastify/fastify.mjs')).href);
    assert.notEqual(native.resolved, answer.resolved);
    assert.deepEqual({ ...answer, resolved: undefined }, { ...native, resolved: undefined });
    assert.deepEqual(answer.body, { ok: true });
    assert.equal(answer.required, 'function');
    assert.equal(answer.sameExports, true);
    const bundledLocations = Object.keys(vendoredManifest().fastify?.packages ?? {});
    assert.deepEqual(
      loaded.filter((url) => bundledLocations.some((location) => url.includes(`/${location}/`))),
      [],
      'files of the bundled packages',
    );
  });

  it('with tracing off, loads only the api from the bundle, as before only @opentelemetry/api loaded', async () => {
    const { answer, loaded } = await startedLikeAService(`
      const { traceFields } = await import('@agora/runtime/trace-context');
      process.stdout.write(JSON.stringify({ fields: traceFields() }));
    `);
    assert.deepEqual(answer.fields, {}, 'no trace when tracing is off');
    const api = await readFile(join(otelDir, 'api.mjs'), 'utf8');
    const apiClosure = ['api.mjs', ...[...api.matchAll(/from ?"\.\/([^"]+)"/g)].map((match) => match[1])];
    assert.deepEqual(
      fromBundle(loaded, otelDir).map((url) => url.slice(pathToFileURL(otelDir).href.length + 1)),
      apiClosure,
    );
    assert.deepEqual(opentelemetryPackageFiles(loaded), [], 'files of the OpenTelemetry packages');
  });

  it('redirects nothing of a bundle one of whose packages is installed in another version, nor when one is missing', async () => {
    const manifest = vendoredManifest();
    const root = await mkdtemp(join(tmpdir(), 'agora-installed-'));
    try {
      for (const location of Object.values(manifest).flatMap((bundle) => Object.keys(bundle.packages))) {
        await mkdir(join(root, location), { recursive: true });
        await cp(join(repoRoot, location, 'package.json'), join(root, location, 'package.json'));
      }
      const rootUrl = pathToFileURL(`${root}/`);
      const asInstalled = bundleRedirects(manifest, rootUrl);
      assert.equal(asInstalled('typebox'), pathToFileURL(join(vendorDir, 'typebox/index.mjs')).href);
      assert.equal(asInstalled('@opentelemetry/api'), pathToFileURL(join(otelDir, 'api.mjs')).href);
      assert.equal(asInstalled('@opentelemetry/semantic-conventions'), undefined, 'not a bundled specifier');

      // an upgraded package the bundle only reaches through another (no entry point of its own)
      const upgraded = join(root, 'node_modules/@opentelemetry/otlp-transformer/package.json');
      const original = JSON.parse(await readFile(upgraded, 'utf8')) as { version: string };
      await writeFile(upgraded, JSON.stringify({ ...original, version: `${original.version}-next` }));
      const afterUpgrade = bundleRedirects(manifest, rootUrl);
      assert.equal(afterUpgrade('@opentelemetry/api'), undefined);
      assert.equal(afterUpgrade('@opentelemetry/sdk-trace'), undefined);
      assert.equal(afterUpgrade('typebox'), pathToFileURL(join(vendorDir, 'typebox/index.mjs')).href);

      await rm(join(root, 'node_modules/typebox'), { recursive: true });
      assert.equal(bundleRedirects(manifest, rootUrl)('typebox/compile'), undefined);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
