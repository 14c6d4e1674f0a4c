/**
 * Demo data: fills a running system with a few users, topics and messages, through the gateway,
 * as users would (the API only, no table writes).
 *   npm run demo                       against `npm run up` (finds the gateway in .agora/local.json)
 *   GATEWAY_URL=http://host:port npm run demo
 * Running it again logs the same users in and adds more topics.
 */
import { existsSync, readFileSync } from 'node:fs';
import { stateDir } from '../paths.ts';
import { until } from '../wait.ts';
import { callApi } from './api-call.ts';

const password = 'correct horse battery';

const people = [
  { username: 'ada', displayName: 'Ada Lovelace' },
  { username: 'charles', displayName: 'Charles Babbage' },
  { username: 'grace', displayName: 'Grace Hopper' },
];

const conversations = [
  {
    author: 'ada',
    title: 'Notes on the Analytical Engine',
    replies: [
      ['ada', 'It might act upon other things besides number.'],
      ['charles', 'Only if someone finishes building it.'],
      ['grace', 'Have you tried compiling it?'],
      ['ada', 'Note G has the Bernoulli numbers, step by step.'],
    ],
  },
  {
    author: 'grace',
    title: 'Found a moth in relay 70',
    replies: [
      ['grace', 'First actual case of bug being found.'],
      ['charles', 'Mechanical engines never had that problem.'],
    ],
  },
  {
    author: 'charles',
    title: 'Difference Engine No. 2: funding thread',
    replies: [['charles', 'The Treasury has questions again.']],
  },
] as const;

export interface DemoSummary {
  readonly users: number;
  readonly topics: number;
  readonly messages: number;
}

async function waitUntilPostable(base: string, topicId: string): Promise<void> {
  // The messages service learns of a new topic through an event: wait (bounded) until it has.
  await until(
    async () => (await callApi(base, 'GET', `/api/topics/${topicId}/messages?limit=1`)).status === 200,
    `topic ${topicId} to become postable`,
    10_000,
    100,
  );
}

export async function fillDemoData(gatewayUrl: string, log: (line: string) => void = () => {}): Promise<DemoSummary> {
  const tokens = new Map<string, string>();
  for (const person of people) {
    const registered = await callApi(gatewayUrl, 'POST', '/api/users', { ...person, password });
    if (registered.status !== 201 && registered.status !== 409) {
      throw new Error(`registering ${person.username}: ${registered.status} ${JSON.stringify(registered.body)}`);
    }
    const login = await callApi(gatewayUrl, 'POST', '/api/auth/login', { username: person.username, password });
    if (login.status !== 200) throw new Error(`logging in ${person.username}: ${login.status}`);
    tokens.set(person.username, login.body.accessToken as string);
    log(`user ${person.username} (password: ${password})`);
  }
  let messages = 0;
  for (const conversation of conversations) {
    const [first, ...rest] = conversation.replies;
    const created = await callApi(
      gatewayUrl,
      'POST',
      '/api/topics',
      { title: conversation.title, ...(first ? { body: first[1] } : {}) },
      tokens.get(conversation.author),
    );
    if (created.status !== 201) throw new Error(`creating a topic: ${created.status} ${JSON.stringify(created.body)}`);
    const topicId = created.body.topicId as string;
    if (first) messages += 1;
    await waitUntilPostable(gatewayUrl, topicId);
    for (const [author, body] of rest) {
      const posted = await callApi(gatewayUrl, 'POST', `/api/topics/${topicId}/messages`, { body }, tokens.get(author));
      if (posted.status !== 201) throw new Error(`posting: ${posted.status} ${JSON.stringify(posted.body)}`);
      messages += 1;
    }
    log(`topic "${conversation.title}" (${conversation.replies.length} messages)`);
  }
  return { users: people.length, topics: conversations.length, messages };
}

function gatewayUrl(): string {
  if (process.env.GATEWAY_URL) return process.env.GATEWAY_URL;
  const local = `${stateDir}/local.json`;
  if (!existsSync(local)) throw new Error('Start the system with `npm run up` first, or set GATEWAY_URL');
  return (JSON.parse(readFileSync(local, 'utf8')) as { gatewayUrl: string }).gatewayUrl;
}

if (import.meta.main) {
  try {
    const base = gatewayUrl();
    const summary = await fillDemoData(base, (line) => process.stdout.write(`demo  ${line}\n`));
    process.stdout.write(
      `demo  added ${summary.topics} topics and ${summary.messages} messages by ${summary.users} users: ${base}/api/topics\n`,
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
