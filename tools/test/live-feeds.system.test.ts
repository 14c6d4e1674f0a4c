/**
 * One reader feeds every task, with real processes (the launcher's topology, `npm run up`'s code):
 * three inventory processes and one stock relay; two topics processes. A change written to the
 * inventory table reaches the browsers of every inventory process once (its alert once), and only
 * the relay reads the table's stream (every AWS call a process makes is in its debug log, by SDK
 * client and command). A task's SIGTERM deletes its queue; a killed task's queue is swept by the
 * next task that starts. A message posted through the API appears live on both topics processes.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, TagQueueCommand } from '@aws-sdk/client-sqs';
import { emulatorClients } from '../src/local/emulator-clients.ts';
import { type RunningProcess, type RunningSystem, startSystem } from '../src/local/launcher.ts';
import { type EventStreamReader, readEventStream } from '../src/testing/event-stream-reader.ts';
import { startedForTheFile } from '../src/testing/file-fixture.ts';
import { uniquePrefix } from '../src/testing/testing.ts';
import { until } from '../src/wait.ts';

let system: RunningSystem;
let clients: ReturnType<typeof emulatorClients>;
let token = '';

startedForTheFile(
  async () => {
    system = await startSystem({ prefix: uniquePrefix('live'), gatewayPort: 0, logLevel: 'debug' });
    clients = emulatorClients(system.endpoint);
    const started = [
      await system.startTask('inventory'),
      await system.startTask('inventory'),
      await system.startTask('topics'),
    ];
    // every task with a live feed, the ones startSystem started too: until its queue is subscribed,
    // a listener waits up to 5 s and is then turned away with a 503 (the dashboard retries; this test opens once)
    const feedTasks = [...system.tasksOf('inventory'), ...system.tasksOf('topics')];
    assert.equal(feedTasks.length, started.length + 2);
    await Promise.all(
      feedTasks.map((task) =>
        until(async () => subscribedQueue(task) !== undefined, `${task.name}'s live queue`, 60_000),
      ),
    );
    const username = `live_${process.pid}`;
    const call = (path: string, body: unknown) =>
      fetch(`${system.gatewayUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal(
      (await call('/api/users', { username, password: 'correct horse battery', displayName: 'Live' })).status,
      201,
    );
    token = (
      (await (await call('/api/auth/login', { username, password: 'correct horse battery' })).json()) as {
        accessToken: string;
      }
    ).accessToken;
  },
  async () => {
    clients?.destroy();
    await system?.stop();
  },
);

/** The live queue a process logged it subscribed (its own, made at start). */
function subscribedQueue(task: RunningProcess): string | undefined {
  return task.logs.find((line) => line.msg === 'live queue subscribed')?.queue as string | undefined;
}

const queueName = (url: string) => url.split('/').at(-1) as string;

async function queueExists(url: string): Promise<boolean> {
  try {
    await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName(url) }));
    return true;
  } catch (error) {
    if (/QueueDoesNotExist|NonExistentQueue/.test((error as Error).name)) return false;
    throw error;
  }
}

async function subscribedEndpoints(topicArn: string): Promise<string[]> {
  const { Subscriptions = [] } = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
  return Subscriptions.map((subscription) => subscription.Endpoint ?? '');
}

async function openStream(url: string, headers: Record<string, string> = {}): Promise<EventStreamReader> {
  const response = await fetch(url, { headers });
  assert.equal(response.status, 200, url);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const stream = readEventStream(response);
  after(() => stream.close());
  return stream;
}

/** The number of GetRecords calls (DynamoDB Streams) each process made, by its own call log. */
function streamReadsByProcess(): Map<string, number> {
  return new Map(
    [...system.processes.values()].map((running) => [
      running.name,
      running.logs.filter((line) => (line.aws as { command?: string } | undefined)?.command === 'GetRecordsCommand')
        .length,
    ]),
  );
}

describe('the inventory live feed: one stream reader, three inventory processes', () => {
  it('shows every change on every process once, each alert once; only the relay reads the stream', async () => {
    const inventories = system.tasksOf('inventory');
    assert.equal(inventories.length, 3);
    const feeds = await Promise.all(
      inventories.map((task) => openStream(`${task.url}/api/inventory/feed`, { authorization: `Bearer ${token}` })),
    );
    for (const feed of feeds) await until(() => feed.events.some((e) => e.event === 'ready'), 'ready');

    const table = system.deployment.env.INVENTORY_TABLE as string;
    const put = (item: string, count: number) =>
      clients.dynamo.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            store: { S: 'Oslo' },
            item: { S: item },
            count: { N: String(count) },
            updatedAt: { S: new Date().toISOString() },
            uploadId: { S: 'up-9' },
          },
        }),
      );
    await put('Kettle', 5);
    await put('Kettle', 0); // out of stock: one alert
    await put('Kettle', 0); // still zero: no change, no alert
    await put('Toaster', 2);
    await put('Kettle', 3); // back in stock: one alert
    await put('Last', 1); // the barrier: once it is shown, everything before it was
    for (const [index, feed] of feeds.entries()) {
      await until(
        () => feed.events.some((e) => e.data.item === 'Last'),
        `the last change on ${inventories[index]?.name}`,
        30_000,
      );
      assert.deepEqual(
        feed.events.map((e) => [e.event, e.data.item ?? '', e.data.count ?? '', e.data.kind ?? '']),
        [
          ['ready', '', '', ''],
          ['stock', 'Kettle', 5, ''],
          ['stock', 'Kettle', 0, ''],
          ['alert', 'Kettle', 0, 'out-of-stock'],
          ['stock', 'Toaster', 2, ''],
          ['stock', 'Kettle', 3, ''],
          ['alert', 'Kettle', 3, 'back-in-stock'],
          ['stock', 'Last', 1, ''],
        ],
        inventories[index]?.name,
      );
    }
    const reads = streamReadsByProcess();
    const readers = [...reads].filter(([, count]) => count > 0).map(([name]) => name);
    assert.deepEqual(readers, ['stock-relay'], JSON.stringify(Object.fromEntries(reads)));
    assert.equal(system.processes.has('stock-relay'), true);
  });

  it('a task stopped with SIGTERM deletes its queue and its subscription', async () => {
    const task = system.tasksOf('inventory').at(-1) as RunningProcess;
    const queue = subscribedQueue(task) as string;
    assert.equal(await queueExists(queue), true);
    assert.equal(await system.stopTask(task.name), 0);
    assert.equal(await queueExists(queue), false);
    const endpoints = await subscribedEndpoints(system.deployment.env.STOCK_CHANGES_TOPIC_ARN as string);
    assert.equal(endpoints.filter((endpoint) => endpoint.endsWith(`:${queueName(queue)}`)).length, 0);
    assert.equal(endpoints.filter((endpoint) => endpoint.includes('-live-inventory-')).length, 2);
  });

  it('a killed task’s queue is swept by the next task once its heartbeat is stale', async () => {
    const task = system.tasksOf('inventory').at(-1) as RunningProcess;
    const queue = subscribedQueue(task) as string;
    task.child.kill('SIGKILL');
    await until(() => task.child.exitCode !== null || task.child.signalCode !== null, 'the kill');
    assert.equal(await queueExists(queue), true, 'a killed task leaves its queue');
    // Its last heartbeat, as it is 10 minutes later (the catalogue's staleAfterSeconds is 300).
    await clients.sqs.send(
      new TagQueueCommand({ QueueUrl: queue, Tags: { 'agora-heartbeat': String(Date.now() - 600_000) } }),
    );
    const next = await system.startTask('inventory');
    await until(async () => !(await queueExists(queue)), 'the stale queue swept', 60_000);
    // The sweep deletes the queue, then its subscription, and logs what it removed once it has
    // removed it all: the subscription is checked after that line, not as soon as the queue is gone.
    const sweptLine = (line: { msg?: unknown }) => line.msg === 'deleted the live queues of tasks that are gone';
    await until(() => next.logs.some(sweptLine), 'the sweep’s log line');
    const swept = next.logs.find(sweptLine);
    assert.deepEqual(swept?.swept, [queue], 'the new task swept exactly that queue');
    const endpoints = await subscribedEndpoints(system.deployment.env.STOCK_CHANGES_TOPIC_ARN as string);
    assert.equal(endpoints.filter((endpoint) => endpoint.endsWith(`:${queueName(queue)}`)).length, 0);
    assert.equal(await queueExists(subscribedQueue(system.tasksOf('inventory')[0] as RunningProcess) as string), true);
  });
});

describe('the forum live feed: two topics processes', () => {
  it('shows a message posted through the API on the browsers of both, and streams through the gateway', async () => {
    const topicsTasks = system.tasksOf('topics');
    assert.equal(topicsTasks.length, 2);
    const feeds = await Promise.all(topicsTasks.map((task) => openStream(`${task.url}/api/topics/live`)));
    const throughGateway = await openStream(`${system.gatewayUrl}/api/topics/live`);
    for (const feed of [...feeds, throughGateway]) await until(() => feed.retries.length === 1, 'the retry line');

    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${system.gatewayUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 201, await response.clone().text());
      return (await response.json()) as Record<string, unknown>;
    };
    const topic = await post('/api/topics', { title: 'Live in two places' });
    const message = await post(`/api/topics/${topic.topicId}/messages`, { body: 'Seen everywhere?' });

    for (const [index, feed] of [...feeds, throughGateway].entries()) {
      const where = topicsTasks[index]?.name ?? 'the gateway';
      await until(
        () =>
          feed.events.some((e) => e.event === 'topic' && e.data.topicId === topic.topicId && e.data.messageCount === 1),
        `the counted topic on ${where}`,
        30_000,
      );
      const messages = feed.events.filter((e) => e.event === 'message');
      assert.deepEqual(
        messages.map((e) => e.data),
        [
          {
            topicId: topic.topicId,
            messageId: message.messageId,
            authorId: message.authorId,
            createdAt: message.createdAt,
          },
        ],
        where,
      );
      const shown = await (await fetch(`${system.gatewayUrl}/api/topics/${topic.topicId}`)).json();
      // SNS keeps no order between messages: by message count.
      const topicEvents = feed.events
        .filter((e) => e.event === 'topic')
        .map((e) => e.data)
        .sort((a, b) => Number(a.messageCount) - Number(b.messageCount));
      assert.deepEqual(topicEvents, [topic, shown], where);
    }
  });
});
