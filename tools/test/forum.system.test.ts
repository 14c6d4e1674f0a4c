/**
 * The forum, end to end, through the gateway, as a user walks it, against both topologies the
 * launcher starts: the microservices (one process per service) and the monolith (one process).
 * Same file, same assertions: the split changes nothing a user can see.
 * With AGORA_SYSTEM_URL (and AWS_ENDPOINT_URL) set, the same walk runs once against that already
 * running system instead (compose, under tools/test/compose-engine.test.ts); what needs the
 * launcher's own processes is skipped there with the reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fillDemoData } from '../src/cli/demo.ts';
import { type RunningSystem, startSystem, type Topology } from '../src/local/launcher.ts';
import { externalSystem } from '../src/testing/external-system.ts';
import { eventually } from '../src/wait.ts';

const external = externalSystem();
const launcherOnly = external
  ? `the system at ${external.gatewayUrl} was started elsewhere: its processes are not this test's to check or stop`
  : undefined;
/** Each target is a topology the launcher starts here, or the running system named by the environment. */
const targets: (Topology | 'running system')[] = external ? ['running system'] : ['microservices', 'monolith'];

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown> & { items?: Record<string, unknown>[]; nextCursor?: string };
}

function client(gatewayUrl: () => string) {
  return async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
    // As a real client does: a 503 with Retry-After (transient, e.g. the signing keys not yet
    // fetched by a cold service) is tried again after the time it names, a bounded few times.
    for (let attempt = 1; ; attempt++) {
      const answer = await send(method, path, options);
      const retryAfter = Number(answer.headers.get('retry-after'));
      if (answer.status !== 503 || !retryAfter || attempt === 3) return answer;
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    }
  };

  async function send(method: string, path: string, options: { token?: string; body?: unknown }) {
    const response = await fetch(`${gatewayUrl()}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} } as Answer;
  }
}

function assertProblem(answer: Answer, status: number) {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.match(String(answer.headers.get('content-type')), /application\/problem\+json/);
}

for (const topology of targets) {
  describe(`the forum through the gateway (${topology})`, () => {
    let system: RunningSystem | undefined;
    let gatewayUrl = external?.gatewayUrl ?? '';
    const call = client(() => gatewayUrl);
    // A running system keeps its users between runs: names unique per run there.
    const suffix = external ? `r${Date.now().toString(36)}` : `${topology.slice(0, 4)}${process.pid}`;

    before(async () => {
      if (topology === 'running system') return;
      system = await startSystem({
        prefix: `sys-${topology.slice(0, 4)}-${process.pid}`,
        gatewayPort: 0,
        logLevel: 'warn',
        topology,
      });
      gatewayUrl = system.gatewayUrl;
      assert.equal(system.topology, topology);
      const names = [...system.processes.keys()].sort();
      const expected = topology === 'monolith' ? ['forum', 'gateway'] : ['gateway', 'messages', 'topics', 'users'];
      for (const name of expected) assert.ok(names.includes(name), `${name} runs (${names.join(', ')})`);
      if (topology === 'monolith') assert.ok(!names.includes('topics') && !names.includes('users'));
    });
    after(async () => {
      await system?.stop();
    });

    it('walks a user story: register, post, page, rename, forbid, delete', async () => {
      // Two users register and log in.
      const users: Record<string, { userId: string; token: string }> = {};
      for (const name of ['ada', 'bob']) {
        const username = `${name}_${suffix}`;
        const registered = await call('POST', '/api/users', {
          body: { username, password: 'correct horse battery', displayName: name.toUpperCase() },
        });
        assert.equal(registered.status, 201, JSON.stringify(registered.body));
        const login = await call('POST', '/api/auth/login', { body: { username, password: 'correct horse battery' } });
        assert.equal(login.status, 200);
        users[name] = { userId: registered.body.userId as string, token: login.body.accessToken as string };
      }
      const ada = users.ada as { userId: string; token: string };
      const bob = users.bob as { userId: string; token: string };

      // Ada starts a topic with a first message.
      const created = await call('POST', '/api/topics', {
        token: ada.token,
        body: { title: 'Analytical engines', body: 'Who has seen one?' },
      });
      assert.equal(created.status, 201);
      const topicId = created.body.topicId as string;
      const listed = await call('GET', '/api/topics?limit=5');
      assert.ok(listed.body.items?.some((topic) => topic.topicId === topicId));

      // The messages service hears of the topic (and writes the first message) through an event.
      const first = await eventually(
        () => call('GET', `/api/topics/${topicId}/messages`),
        (answer) => answer.status === 200 && (answer.body.items?.length ?? 0) === 1,
      );
      assert.equal(first.body.items?.[0]?.body, 'Who has seen one?');

      // Both post; then everything is paged through with cursors, oldest first.
      const bodies = ['Who has seen one?'];
      for (let i = 0; i < 6; i++) {
        const poster = i % 2 === 0 ? ada : bob;
        const posted = await call('POST', `/api/topics/${topicId}/messages`, {
          token: poster.token,
          body: { body: `reply ${i}` },
        });
        assert.equal(posted.status, 201, JSON.stringify(posted.body));
        bodies.push(`reply ${i}`);
      }
      const seen: Record<string, unknown>[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await call(
          'GET',
          `/api/topics/${topicId}/messages?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        assert.equal(page.status, 200);
        seen.push(...(page.body.items ?? []));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      assert.deepEqual(
        seen.map((message) => message.body),
        bodies,
      );
      assert.ok(pages >= 3);

      // The topic's count and activity follow the message events.
      const topic = await eventually(
        () => call('GET', `/api/topics/${topicId}`),
        (answer) => answer.body.messageCount === 7,
      );
      assert.equal(topic.body.messageCount, 7);
      assert.ok(String(topic.body.lastActivityAt) > String(topic.body.createdAt));

      // Ada renames herself; her old messages show the new name, eventually.
      const renamed = await call('PATCH', '/api/users/me', { token: ada.token, body: { displayName: 'Countess' } });
      assert.equal(renamed.status, 200);
      const afterRename = await eventually(
        () => call('GET', `/api/topics/${topicId}/messages?limit=20`),
        (answer) =>
          (answer.body.items ?? []).filter((m) => m.authorId === ada.userId).every((m) => m.authorName === 'Countess'),
      );
      const names = (afterRename.body.items ?? []).map((m) => [m.authorId === ada.userId, m.authorName]);
      assert.ok(names.every(([isAda, name]) => (isAda ? name === 'Countess' : name === 'BOB')));

      // Bob may not edit Ada's message, nor delete her topic.
      const adasMessage = seen.find((message) => message.authorId === ada.userId) as { messageId: string };
      assertProblem(
        await call('PATCH', `/api/messages/${adasMessage.messageId}`, { token: bob.token, body: { body: 'mine now' } }),
        403,
      );
      assertProblem(await call('DELETE', `/api/topics/${topicId}`, { token: bob.token }), 403);

      // Ada's posts by user, newest first (routed to the messages service, before /api/users*).
      const byAda = await call('GET', `/api/users/${ada.userId}/messages`);
      assert.equal(byAda.status, 200);
      assert.deepEqual(
        byAda.body.items?.map((m) => m.body),
        ['reply 4', 'reply 2', 'reply 0', 'Who has seen one?'],
      );

      // Ada deletes the topic: its messages go, and a post to it is a 404.
      assert.equal((await call('DELETE', `/api/topics/${topicId}`, { token: ada.token })).status, 204);
      assertProblem(await call('GET', `/api/topics/${topicId}`), 404);
      const gone = await eventually(
        () => call('GET', `/api/users/${ada.userId}/messages`),
        (answer) => answer.body.items?.length === 0,
      );
      assert.deepEqual(gone.body.items, []);
      assertProblem(await call('GET', `/api/topics/${topicId}/messages`), 404);
      assertProblem(
        await call('POST', `/api/topics/${topicId}/messages`, { token: bob.token, body: { body: 'hello?' } }),
        404,
      );
    });

    it('serves Swagger UI and one merged OpenAPI document covering every service at /docs', async () => {
      const ui = await fetch(`${gatewayUrl}/docs/`);
      assert.equal(ui.status, 200);
      assert.match(await ui.text(), /swagger/i);
      const document = (await call('GET', '/docs/json')).body as { paths: Record<string, unknown> };
      for (const path of [
        '/api/users',
        '/api/auth/login',
        '/api/topics',
        '/api/topics/{topicId}',
        '/api/topics/{topicId}/messages',
        '/api/messages/{messageId}',
        '/api/users/{userId}/messages',
      ]) {
        assert.ok(document.paths[path], `${path} is documented`);
      }
      assert.equal((document as { 'x-unavailable'?: unknown })['x-unavailable'], undefined);
    });

    it('takes demo data from the demo command', async () => {
      const summary = await fillDemoData(gatewayUrl);
      assert.deepEqual(summary, { users: 3, topics: 3, messages: 7 });
      const topics = await call('GET', '/api/topics?limit=100');
      const demo = (topics.body.items ?? []).find((topic) => topic.title === 'Notes on the Analytical Engine');
      assert.ok(demo);
      const messages = await eventually(
        () => call('GET', `/api/topics/${demo.topicId}/messages`),
        (answer) => answer.body.items?.length === 4,
      );
      assert.deepEqual(
        messages.body.items?.map((m) => m.authorName),
        ['Ada Lovelace', 'Charles Babbage', 'Grace Hopper', 'Ada Lovelace'],
      );
    });

    it('answers an unknown API path or file with a 404 problem and passes the request id through', async () => {
      // (any other path is one of the web app's pages, answered with the page as CloudFront does)
      assertProblem(await call('GET', '/api/no/such/thing'), 404);
      assertProblem(await call('GET', '/no/such/thing.txt'), 404);
      const response = await fetch(`${gatewayUrl}/api/topics`, { headers: { 'x-request-id': 'sys-test-1' } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-request-id'), 'sys-test-1');
    });

    it('stops every process cleanly on SIGTERM (consumers included), exit status 0', {
      skip: launcherOnly,
    }, async () => {
      const running = system as RunningSystem;
      await running.stop();
      for (const [name, process] of running.processes) {
        assert.equal(
          process.child.exitCode,
          0,
          `${name} exited with ${process.child.exitCode ?? process.child.signalCode}`,
        );
      }
    });
  });
}
