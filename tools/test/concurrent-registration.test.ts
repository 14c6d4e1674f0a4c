/**
 * A flake seen under load: concurrent registrations of one username sometimes both got 201. Here
 * two real users processes (two tasks) take rounds of parallel registrations of one name each,
 * from distinct client addresses, and exactly one may win each round: the others are 409 (or a
 * 503 with Retry-After, a transaction conflict), and the table holds one user by that name.
 * It was real in the emulator, not in the service: moto ran transactions without isolation (see
 * tools/emulator/serve.py); before that fix, 3 runs of 10 to 20 rounds each found it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { startServiceTask } from '../src/testing/service-task.ts';
import { provision } from '../src/testing/testing.ts';

const rounds = Number(process.env.REGISTRATION_RACE_ROUNDS ?? 20);
const parallel = 16;
const deployment = await provision('users-race');
let clients = 0;
/** A client address of its own, so the per-client registration budget never decides a round. */
const uniqueAddress = () => {
  clients++;
  return `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}`;
};

const usersTask = () =>
  startServiceTask('users', deployment, {
    REGISTRATIONS_PER_CLIENT_PER_HOUR: '100000',
    RATE_LIMIT_PER_MINUTE: '100000',
  });

/** The user ids of every user item with this username (a scan: the test table is small). */
async function usersNamed(username: string): Promise<(string | undefined)[]> {
  const found: (string | undefined)[] = [];
  let start: ScanCommandOutput['LastEvaluatedKey'];
  do {
    const page = await deployment.clients.dynamo.send(
      new ScanCommand({
        TableName: deployment.env.USERS_TABLE,
        FilterExpression: 'username = :name',
        ExpressionAttributeValues: { ':name': { S: username } },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    found.push(...(page.Items ?? []).map((item) => item.userId?.S));
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

describe(`${parallel} parallel registrations of one username, through two users processes`, () => {
  it(`give exactly one 201 in each of ${rounds} rounds, and one user in the table`, { timeout: 600_000 }, async () => {
    const tasks = await Promise.all([usersTask(), usersTask()]);
    for (let round = 0; round < rounds; round++) {
      const username = `race_${process.pid}_${round}_${Date.now() % 100_000}`;
      const answers = await Promise.all(
        Array.from({ length: parallel }, async (_, i) => {
          const response = await fetch(`${tasks[i % 2]}/api/users`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': uniqueAddress() },
            body: JSON.stringify({ username, password: 'correct horse battery', displayName: `Racer ${i}` }),
          });
          const body = (await response.json()) as { userId?: string };
          return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
        }),
      );
      const statuses = answers.map((answer) => answer.status);
      const winners = answers.filter((answer) => answer.status === 201);
      assert.equal(winners.length, 1, `round ${round}: ${statuses.join(' ')}`);
      for (const answer of answers.filter((each) => each.status !== 201)) {
        assert.ok(answer.status === 409 || (answer.status === 503 && answer.retryAfter), `round ${round}: ${statuses}`);
      }
      const stored = await usersNamed(username);
      assert.deepEqual(stored, [winners[0]?.body.userId], `round ${round}: the table holds the one winner`);
    }
  });
});
