import assert from 'node:assert/strict';
import { test } from 'node:test';
import { provision } from '@agora/tools/testing/testing';
import { BatchWriteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

// The DynamoDB client resolves each command's middleware once (aws.ts); these are what that
// must not change: each send carries its own input, and a middleware added later sees what follows.

test('with cached handlers, every send carries its own input, on the low-level and the document client', async () => {
  const deployment = await provision('aws-cache');
  const { dynamo, documents } = deployment.clients;
  const TableName = deployment.tableNames.uploadsTable as string;
  assert.equal((dynamo.config as { cacheMiddleware?: boolean }).cacheMiddleware, true);

  await Promise.all(
    ['a', 'b', 'c'].map((id) =>
      dynamo.send(new PutItemCommand({ TableName, Item: { uploadId: { S: `low-${id}` }, note: { S: id } } })),
    ),
  );
  await Promise.all(
    ['a', 'b', 'c'].map((id) =>
      documents.send(new PutCommand({ TableName, Item: { uploadId: `doc-${id}`, note: id } })),
    ),
  );
  for (const id of ['a', 'b', 'c']) {
    const low = await dynamo.send(new GetItemCommand({ TableName, Key: { uploadId: { S: `low-${id}` } } }));
    assert.equal(low.Item?.note?.S, id);
    const document = await documents.send(new GetCommand({ TableName, Key: { uploadId: `doc-${id}` } }));
    assert.equal(document.Item?.note, id);
  }
});

test('a middleware added after a command was sent sees its later sends, and is gone once removed', async () => {
  const deployment = await provision('aws-cache-stack');
  const { dynamo } = deployment.clients;
  const TableName = deployment.tableNames.uploadsTable as string;
  const put = (id: string) =>
    dynamo.send(
      new BatchWriteItemCommand({ RequestItems: { [TableName]: [{ PutRequest: { Item: { uploadId: { S: id } } } }] } }),
    );
  await put('before');
  let seen = 0;
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      seen += 1;
      return next(args);
    },
    { step: 'initialize', name: 'testCounter' },
  );
  await put('first');
  await put('second');
  assert.equal(seen, 2);
  assert.equal(dynamo.middlewareStack.remove('testCounter'), true);
  await put('after');
  assert.equal(seen, 2);
});
