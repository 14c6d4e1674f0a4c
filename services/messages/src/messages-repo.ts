/**
 * The messages table. The only module that knows its keys. Three kinds of item share it:
 *
 * - a message: `topicId` + `sortKey` = `msg#<messageId>` (UUIDv7, so time-ordered), carrying its
 *   author's display name, denormalised (`authorName`, `authorNameAt` = when that name was set);
 * - the service's own record of a topic: `topicId` + `sortKey` = `#topic`, `status` open | deleted,
 *   written from topic.created / topic.deleted events. The messages service never reads the topics
 *   table; this record is how it knows a topic exists. `#` sorts before `m`, so the first page of a
 *   topic's query returns the record and the messages in one request;
 * - the latest known name of an author: `topicId` = `author#<userId>`, `sortKey` = `#author`.
 *
 * Only messages carry `messageId` and `authorId`, so the byMessageId and byAuthor indexes hold
 * messages only.
 */
import type { Message } from '@agora/catalogue/api-shapes';
import {
  batchWriteAll,
  conditionalUpdate,
  failedConditions,
  pageOf,
  unlessConditionFails,
} from '@agora/runtime/dynamo';
import { cursorValues, decodeCursor } from '@agora/runtime/ids';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/** A message as stored is a message as the API shows it (the catalogue's shape). */
export type { Message };

export interface NewMessage extends Message {
  /** when the author's name was set (renamedAt of the latest rename known), for ordering renames */
  readonly authorNameAt: string;
}

export interface MessagePage {
  readonly items: Message[];
  readonly nextCursor?: string;
}

const topicRecordKey = '#topic';
const authorRecordKey = '#author';
const messagePrefix = 'msg#';
const byMessageId = 'byMessageId';
const byAuthor = 'byAuthor';
/** A message's sort key: only messages are ever a page's last item, so only these are cursors. */
const messageSortKey = new RegExp(`^${messagePrefix}${cursorValues.id.source.slice(1)}`);
/** The time before any rename: names from tokens rank below every recorded rename. */
export const epoch = '1970-01-01T00:00:00.000Z';

const sortKeyOf = (messageId: string) => `${messagePrefix}${messageId}`;

function toMessage(item: Record<string, unknown>): Message {
  return {
    messageId: item.messageId as string,
    topicId: item.topicId as string,
    authorId: item.authorId as string,
    authorName: item.authorName as string,
    body: item.body as string,
    createdAt: item.createdAt as string,
    ...(item.editedAt ? { editedAt: item.editedAt as string } : {}),
  };
}

export function createMessagesRepo(documents: DynamoDBDocumentClient, tableName: string) {
  return {
    /**
     * One page of a topic's messages, oldest first, in one Query. The first page also returns the
     * topic record (it sorts first), so "no such topic" costs nothing extra. Undefined: no topic.
     */
    async listTopic(topicId: string, limit: number, cursor?: string): Promise<MessagePage | undefined> {
      const start = decodeCursor(cursor, { topicId, sortKey: messageSortKey });
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'topicId = :topicId',
          ExpressionAttributeValues: { ':topicId': topicId },
          Limit: start ? limit : limit + 1,
          ExclusiveStartKey: start,
        }),
      );
      let messages = Items;
      if (!start) {
        const [record, ...rest] = Items;
        if (record?.sortKey !== topicRecordKey || record.status !== 'open') return undefined;
        messages = rest;
      }
      return pageOf(messages.map(toMessage), LastEvaluatedKey);
    },

    /** One page of a user's messages across topics, newest first, in one Query. */
    async listByAuthor(authorId: string, limit: number, cursor?: string): Promise<MessagePage> {
      const start = decodeCursor(cursor, { topicId: cursorValues.any, sortKey: messageSortKey, authorId });
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: byAuthor,
          KeyConditionExpression: 'authorId = :authorId',
          ExpressionAttributeValues: { ':authorId': authorId },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      return pageOf(Items.map(toMessage), LastEvaluatedKey);
    },

    async findById(messageId: string): Promise<Message | undefined> {
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: byMessageId,
          KeyConditionExpression: 'messageId = :messageId',
          ExpressionAttributeValues: { ':messageId': messageId },
          Limit: 1,
        }),
      );
      return Items[0] ? toMessage(Items[0]) : undefined;
    },

    /**
     * Writes a message if its topic is open, atomically (a ConditionCheck on the topic record in
     * the same transaction), so a post racing a topic deletion never outlives it.
     * 'duplicate': this message id is already written (a redelivered event).
     */
    async post(message: NewMessage): Promise<'posted' | 'no-topic' | 'duplicate'> {
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: tableName,
                  Key: { topicId: message.topicId, sortKey: topicRecordKey },
                  ConditionExpression: '#status = :open',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':open': 'open' },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...message, sortKey: sortKeyOf(message.messageId) },
                  ConditionExpression: 'attribute_not_exists(sortKey)',
                },
              },
            ],
          }),
        );
        return 'posted';
      } catch (error) {
        const failed = failedConditions(error);
        if (failed.includes(0)) return 'no-topic';
        if (failed.includes(1)) return 'duplicate';
        throw error;
      }
    },

    async updateBody(message: Message, body: string, editedAt: string): Promise<Message | undefined> {
      const item = await conditionalUpdate(documents, {
        TableName: tableName,
        Key: { topicId: message.topicId, sortKey: sortKeyOf(message.messageId) },
        UpdateExpression: 'SET body = :body, editedAt = :editedAt',
        ConditionExpression: 'authorId = :authorId',
        ExpressionAttributeValues: { ':body': body, ':editedAt': editedAt, ':authorId': message.authorId },
      });
      return item ? toMessage(item) : undefined;
    },

    async delete(message: Message): Promise<boolean> {
      const deleted = await unlessConditionFails(
        documents.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { topicId: message.topicId, sortKey: sortKeyOf(message.messageId) },
            ConditionExpression: 'attribute_exists(sortKey)',
          }),
        ),
      );
      return deleted !== undefined;
    },

    /** Records a new topic as open, unless a record (open, or a deletion seen first) exists. */
    async recordTopicCreated(topicId: string, at: string): Promise<void> {
      await unlessConditionFails(
        documents.send(
          new PutCommand({
            TableName: tableName,
            Item: { topicId, sortKey: topicRecordKey, status: 'open', at },
            ConditionExpression: 'attribute_not_exists(topicId)',
          }),
        ),
      );
    },

    /**
     * Marks the topic deleted (posts are refused from now on), then removes its messages a page
     * at a time, 25 per BatchWriteItem, however many there are. Running it again is harmless.
     * Returns how many messages it removed.
     */
    async deleteTopic(topicId: string, at: string, pageSize = 100): Promise<number> {
      await documents.send(
        new PutCommand({ TableName: tableName, Item: { topicId, sortKey: topicRecordKey, status: 'deleted', at } }),
      );
      let removed = 0;
      while (true) {
        const { Items = [] } = await documents.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'topicId = :topicId AND begins_with(sortKey, :prefix)',
            ExpressionAttributeValues: { ':topicId': topicId, ':prefix': messagePrefix },
            ProjectionExpression: 'topicId, sortKey',
            Limit: pageSize,
          }),
        );
        if (Items.length === 0) return removed;
        await batchWriteAll(
          documents,
          tableName,
          Items.map((Key) => ({ DeleteRequest: { Key } })),
        );
        removed += Items.length;
      }
    },

    /** The latest display name recorded for an author, if any rename has been seen. */
    async authorName(userId: string): Promise<{ displayName: string; renamedAt: string } | undefined> {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { topicId: `author#${userId}`, sortKey: authorRecordKey } }),
      );
      return Item ? { displayName: Item.displayName as string, renamedAt: Item.renamedAt as string } : undefined;
    },

    /**
     * Applies a rename to the author record and to every message of that author, skipping any
     * rename older than what is stored (events may arrive out of order). Repeating the same
     * rename redoes the message updates, which change nothing the second time.
     * Returns false when the rename was older than the stored one.
     */
    async rename(userId: string, displayName: string, renamedAt: string): Promise<boolean> {
      const written = await unlessConditionFails(
        documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { topicId: `author#${userId}`, sortKey: authorRecordKey },
            UpdateExpression: 'SET displayName = :name, renamedAt = :at',
            ConditionExpression: 'attribute_not_exists(renamedAt) OR renamedAt <= :at',
            ExpressionAttributeValues: { ':name': displayName, ':at': renamedAt },
          }),
        ),
      );
      if (!written) return false;
      const pages = paginateQuery(
        // A page at a time bounds how many updates run at once.
        { client: documents, pageSize: 25 },
        {
          TableName: tableName,
          IndexName: byAuthor,
          KeyConditionExpression: 'authorId = :authorId',
          ExpressionAttributeValues: { ':authorId': userId },
          ProjectionExpression: 'topicId, sortKey',
        },
      );
      for await (const page of pages) {
        await Promise.all(
          (page.Items ?? []).map(async (key) => {
            await unlessConditionFails(
              documents.send(
                new UpdateCommand({
                  TableName: tableName,
                  Key: { topicId: key.topicId, sortKey: key.sortKey },
                  UpdateExpression: 'SET authorName = :name, authorNameAt = :at',
                  ConditionExpression: 'attribute_exists(sortKey) AND authorNameAt < :at',
                  ExpressionAttributeValues: { ':name': displayName, ':at': renamedAt },
                }),
              ),
            );
          }),
        );
      }
      return true;
    },
  };
}

export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
