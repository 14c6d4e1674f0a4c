/**
 * Where a Docker engine answers: docker-compose.yml as a user runs it, from the files a fresh
 * clone has, under a project name unique to this run: `docker compose up --build` with two
 * inventory workers comes up healthy; a user's journey works through the gateway; the
 * gateway serves the web app at `/`; the forum and inventory system tests pass against the
 * containers (each run counted: a nested run that executes no test fails); `docker compose stop`
 * ends every container with exit code 0 inside its grace period; and `down` leaves nothing of the
 * project behind (containers, the images it built, volumes, networks). It runs with the `traces`
 * profile on (one compose run for both): the trace viewer comes up too, and an upload's trace is
 * read back from the viewer's API with the gateway's, the inventory API's and the worker's spans.
 * Only the docker CLI is used (testcontainers would pull its Ryuk image from Docker Hub). Where no
 * engine answers, or the base images are neither here nor pullable, reported as skipped with why.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { physicalName, serviceNamed, tables } from '@agora/catalogue';
import { extraCaFile, pinnedImages } from '../src/install/offline-images.ts';
import {
  ComposeProject,
  docker,
  engineAbsence,
  freshCloneContext,
  loadDashboard,
  uniqueProjectName,
} from '../src/testing/engine.ts';
import { runCommand } from '../src/testing/run-command.ts';
import { nestedRunFailure, runSystemTestFile, systemTestFiles } from '../src/testing/system-tests.ts';
import { eventually } from '../src/wait.ts';

const pinned = await pinnedImages();
const skip = await engineAbsence([pinned.node.tag, pinned.moto.tag]);
const workers = 2;

const title = 'docker compose up --build, from a fresh clone';
// A skipped test (not only a skipped suite) so the runner counts and reports it as skipped.
if (skip) test(title, { skip }, () => {});
else
  describe(title, () => {
    let project: ComposeProject | undefined;
    let removeContext: (() => Promise<void>) | undefined;
    let gatewayUrl = '';
    let endpoint = '';
    let viewerUrl = '';
    let upSeconds = 0;
    const compose = () => {
      if (!project) throw new Error('the project did not come up');
      return project;
    };

    before(
      async () => {
        const context = await freshCloneContext();
        removeContext = context.remove;
        const ca = extraCaFile();
        project = new ComposeProject({
          name: uniqueProjectName('compose'),
          dir: context.dir,
          variables: {
            // Port 0: the engine picks each host port as it binds it. A port picked here would wait
            // out the whole build (minutes) for its bind, and another process may take it meanwhile.
            AGORA_GATEWAY_PORT: '0',
            AGORA_EMULATOR_PORT: '0',
            AGORA_TRACES_PORT: '0',
            // as `docker compose --profile traces …` (the variable reaches every command, down too)
            COMPOSE_PROFILES: 'traces',
            ...(ca ? { AGORA_EXTRA_CA: ca } : {}),
          },
        });
        const starting = Date.now();
        await project.run(
          ['up', '--build', '--detach', '--wait', '--wait-timeout', '300', '--scale', `inventory-worker=${workers}`],
          900_000,
        );
        upSeconds = (Date.now() - starting) / 1000;
        gatewayUrl = `http://127.0.0.1:${await project.publishedPort('gateway', serviceNamed('gateway').containerPort)}`;
        endpoint = `http://127.0.0.1:${await project.publishedPort('moto', 5000)}`;
        viewerUrl = `http://127.0.0.1:${await project.publishedPort('zipkin', 9411)}`;
      },
      { timeout: 900_000 },
    );
    after(
      async () => {
        // Also when a test failed half way: the last test removes the project and checks it is gone.
        await project?.down();
        await removeContext?.();
      },
      { timeout: 300_000 },
    );

    test('every container is healthy, the bootstrap finished, and both workers run', async (t) => {
      t.diagnostic(`docker compose up --build --wait took ${upSeconds.toFixed(1)} s`);
      const containers = await compose().containers();
      const byService = Map.groupBy(containers, (container) => container.Service);
      const bootstrap = byService.get('bootstrap') ?? [];
      assert.deepEqual(
        bootstrap.map((container) => [container.State, container.ExitCode]),
        [['exited', 0]],
      );
      assert.equal(byService.get('inventory-worker')?.length, workers);
      const running = containers.filter((container) => container.Service !== 'bootstrap');
      assert.deepEqual(
        running.map((container) => `${container.Name} ${container.State} ${container.Health}`).sort(),
        running.map((container) => `${container.Name} running healthy`).sort(),
      );
      for (const service of ['moto', 'zipkin', 'users', 'topics', 'messages', 'inventory', 'gateway']) {
        assert.equal(byService.get(service)?.length, 1, `${service} runs`);
      }
    });

    test('a user registers, logs in and reads their profile through the gateway', async () => {
      const username = `compose_${Date.now()}`;
      const password = 'correct horse battery';
      const registered = await fetch(`${gatewayUrl}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password, displayName: 'Compose User' }),
      });
      assert.equal(registered.status, 201, await registered.clone().text());
      const login = await fetch(`${gatewayUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      assert.equal(login.status, 200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      const me = await fetch(`${gatewayUrl}/api/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { username: string }).username, username);
    });

    test('the gateway publishes the JWKS the users container signs with', async () => {
      const response = await fetch(`${gatewayUrl}/.well-known/jwks.json`);
      assert.equal(response.status, 200);
      assert.ok(((await response.json()) as { keys: unknown[] }).keys.length > 0);
    });

    test('the gateway container serves the web app at / and its client-side routes', async () => {
      const { html, assets } = await loadDashboard(gatewayUrl);
      assert.match(html, /<title>Agora<\/title>/);
      const route = await fetch(`${gatewayUrl}/topics/some-topic`);
      assert.equal(route.status, 200);
      assert.match(await route.text(), /<title>Agora<\/title>/);
      assert.ok(assets.length > 0, 'the built page loads its scripts and styles from /assets/');
    });

    for (const file of systemTestFiles) {
      test(`${file} passes against the containers`, { timeout: 600_000 }, async (t) => {
        const run = await runSystemTestFile(file, { gatewayUrl, endpoint, prefix: 'agora' });
        t.diagnostic(`${file}: ${JSON.stringify(run.counts)}`);
        assert.equal(nestedRunFailure(run), undefined, run.output);
      });
    }

    // After the system tests, which count every upload and alert of the system they run against.
    test('an upload is one trace in the trace viewer, from the gateway through S3 and SQS to the worker', async () => {
      const json = { 'content-type': 'application/json' };
      const credentials = { username: `tracer_${Date.now()}`, password: 'correct horse battery' };
      const registered = await fetch(`${gatewayUrl}/api/users`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ ...credentials, displayName: 'Tracer' }),
      });
      assert.equal(registered.status, 201);
      // Uploading takes the inventory-manager role, granted as an operator does (npm run roles).
      const users = tables.find((table) => table.name === 'users');
      assert.ok(users);
      const granted = await runCommand(
        process.execPath,
        ['tools/src/cli/roles.ts', 'grant', credentials.username, 'inventory-manager'],
        {
          env: {
            ...process.env,
            USERS_TABLE: physicalName('agora', users),
            AWS_ENDPOINT_URL: endpoint,
            AWS_ACCESS_KEY_ID: 'agora-local',
            AWS_SECRET_ACCESS_KEY: 'agora-local',
          },
        },
      );
      assert.equal(granted.code, 0, granted.stderr);
      const login = await fetch(`${gatewayUrl}/api/auth/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(credentials),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const form = new FormData();
      const csv = ['store,item,count', 'Tracetown,Echo Dot,3', 'Tracetown,Echo Plus,0'].join('\n');
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'tracetown.csv');
      const uploaded = await fetch(`${gatewayUrl}/api/inventory/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}` },
        body: form,
      });
      assert.equal(uploaded.status, 202, await uploaded.clone().text());
      const requestId = uploaded.headers.get('x-request-id');
      assert.ok(requestId);

      // Zipkin's own query API, as its UI reads it: the upload request's trace, found by the
      // request id the inventory API records on its span.
      interface ZipkinSpan {
        readonly traceId: string;
        readonly name?: string;
        readonly localEndpoint?: { readonly serviceName?: string };
        readonly tags?: Record<string, string>;
      }
      const query = new URLSearchParams({ serviceName: 'inventory', annotationQuery: `agora.request_id=${requestId}` });
      const found = await eventually(
        async () => (await (await fetch(`${viewerUrl}/api/v2/traces?${query}`)).json()) as ZipkinSpan[][],
        (traces) => traces.length > 0,
        60_000,
        500,
      );
      assert.equal(found.length, 1, 'the upload request is in one trace');
      const traceId = found[0]?.[0]?.traceId as string;
      const spans = await eventually(
        async () => (await (await fetch(`${viewerUrl}/api/v2/trace/${traceId}`)).json()) as ZipkinSpan[],
        // the file's own span ends last, after its batch writes and the alerts' publish
        (all) =>
          all.some((span) => span.name === 'process stock file') &&
          all.some((span) => span.tags?.['rpc.method'] === 'BatchWriteItem'),
        60_000,
        500,
      );
      const services = new Set(spans.map((span) => span.localEndpoint?.serviceName));
      for (const service of ['gateway', 'inventory', 'inventory-worker']) {
        assert.ok(services.has(service), `${service} in the trace (it has ${[...services].join(', ')})`);
      }
      assert.ok(spans.every((span) => span.traceId === traceId));
      assert.ok(
        spans.some(
          (span) => span.localEndpoint?.serviceName === 'inventory' && span.tags?.['rpc.method'] === 'PutObject',
        ),
        "the API's S3 PutObject",
      );
      assert.ok(
        spans.some(
          (span) => span.localEndpoint?.serviceName === 'inventory-worker' && span.name === 'process stock file',
        ),
        "the worker's file, continued from the queue message",
      );
      const ui = await fetch(`${viewerUrl}/zipkin/`);
      assert.equal(ui.status, 200, 'the UI a developer opens');
    });

    test('docker compose stop ends every container with exit code 0 inside its grace period', async (t) => {
      const ids = (await compose().run(['ps', '--all', '--quiet'])).split('\n').filter(Boolean);
      const stopping = Date.now();
      await compose().run(['stop'], 300_000);
      const states = JSON.parse(await docker(['inspect', ...ids])) as {
        Name: string;
        State: { Running: boolean; ExitCode: number; FinishedAt: string };
      }[];
      // moto, the trace viewer, bootstrap (exited), users, topics, messages, inventory, the stock
      // relay, the gateway, and the workers
      assert.equal(states.length, 9 + workers);
      // Compose stops dependents first, each with SIGTERM and its stop_grace_period; a container
      // still running when its grace ends is killed and exits 137. Exit code 0 is the proof that
      // it shut down by itself in time.
      for (const { Name, State } of states) {
        assert.equal(State.Running, false, Name);
        assert.equal(State.ExitCode, 0, `${Name} exited ${State.ExitCode}`);
        const after = Date.parse(State.FinishedAt) - stopping;
        t.diagnostic(after < 0 ? `${Name} had already finished` : `${Name} ended ${after} ms after stop began`);
      }
    });

    test('docker compose down leaves nothing of the project behind', async () => {
      await compose().down();
      assert.deepEqual(await compose().leftovers(), { containers: [], images: [], volumes: [], networks: [] });
    });
  });
