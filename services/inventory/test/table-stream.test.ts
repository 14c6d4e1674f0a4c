/** Following a table's stream on the emulator: changes from now on, with both images. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { capturedLogger, emulatorEndpoint, provision } from '@agora/tools/testing/testing';
import { until } from '@agora/tools/wait';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { followTableStream, type TableChange } from '../src/table-stream.ts';

await emulatorEndpoint();

describe('following a table stream', () => {
  it('delivers each change made after the start, in order, with old and new images', async () => {
    const deployment = await provision('stream');
    const table = deployment.env.INVENTORY_TABLE as string;
    const { documents, dynamo } = deployment.clients;
    await documents.send(new PutCommand({ TableName: table, Item: { store: 'Berlin', item: 'Before', count: 1 } }));

    const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: deployment.endpoint });
    after(() => streams.destroy());
    const seen: TableChange[] = [];
    const follower = await followTableStream({
      dynamo,
      streams,
      tableName: table,
      logger: capturedLogger('stream').logger,
      pollMs: 50,
      onChanges: (changes) => {
        seen.push(...changes);
      },
    });
    after(() => follower.stop());

    await documents.send(new PutCommand({ TableName: table, Item: { store: 'Berlin', item: 'Echo Plus', count: 3 } }));
    await documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { store: 'Berlin', item: 'Echo Plus' },
        UpdateExpression: 'SET #count = :zero',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );
    await documents.send(new DeleteCommand({ TableName: table, Key: { store: 'Berlin', item: 'Echo Plus' } }));
    await until(() => seen.length >= 3, 'three changes');

    assert.deepEqual(
      seen.map((change) => [change.kind, change.oldImage?.count, change.newImage?.count]),
      [
        ['INSERT', undefined, 3],
        ['MODIFY', 3, 0],
        ['REMOVE', 0, undefined],
      ],
      'the write made before the start is not replayed',
    );
    assert.equal(seen[0]?.newImage?.item, 'Echo Plus');
  });

  it('refuses a table without a stream', async () => {
    const deployment = await provision('stream');
    const streams = new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: deployment.endpoint });
    after(() => streams.destroy());
    await assert.rejects(
      followTableStream({
        dynamo: deployment.clients.dynamo,
        streams,
        tableName: deployment.env.USERS_TABLE as string,
        logger: capturedLogger('stream').logger,
        onChanges: () => {},
      }),
      /has no stream/,
    );
  });
});
