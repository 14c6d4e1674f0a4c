/**
 * A page of N messages, each with its author's name, costs one DynamoDB request whatever N:
 * names are denormalised on the messages, never looked up per message. Counted with a middleware
 * on the SDK client the app uses. Every request also costs one UpdateItem on the rate-limits
 * table (the per-client limit, shared by every task), whatever the page.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testUser } from '@agora/tools/testing/token-issuer';
import { messagesApp } from './harness.ts';

const { app, deployment, openTopic, post } = await messagesApp();

const calls: string[] = [];
const rateLimitsTable = deployment.env.RATE_LIMITS_TABLE;
deployment.clients.documents.middlewareStack.add(
  (next, context) => async (args) => {
    const table = (args.input as { TableName?: string }).TableName;
    calls.push(table === rateLimitsTable ? `${context.commandName} (rate limit)` : String(context.commandName));
    return next(args);
  },
  { step: 'initialize', name: 'countCallsForTest' },
);

async function requestsFor(url: string) {
  calls.length = 0;
  const response = await app.inject({ method: 'GET', url });
  assert.equal(response.statusCode, 200, response.body);
  return { commands: [...calls], items: response.json().items as { authorName: string }[] };
}

describe('the cost of a page', () => {
  for (const size of [1, 10, 50]) {
    it(`a topic page of ${size} messages from several authors is one Query`, async () => {
      const topicId = await openTopic();
      const authors = [testUser('a'), testUser('b'), testUser('c')];
      await Promise.all(Array.from({ length: size }, (_, i) => post(authors[i % 3] as never, topicId, `m${i}`)));
      const { commands, items } = await requestsFor(`/api/topics/${topicId}/messages?limit=${size}`);
      assert.equal(items.length, size);
      assert.ok(items.every((item) => item.authorName.length > 0));
      assert.deepEqual(commands.sort(), ['QueryCommand', 'UpdateItemCommand (rate limit)']);
    });
  }

  it("a page of a user's messages is one Query", async () => {
    const user = testUser();
    for (let i = 0; i < 12; i++) await post(user, await openTopic(), `u${i}`);
    const { commands, items } = await requestsFor(`/api/users/${user.userId}/messages?limit=12`);
    assert.equal(items.length, 12);
    assert.deepEqual(commands.sort(), ['QueryCommand', 'UpdateItemCommand (rate limit)']);
  });
});
