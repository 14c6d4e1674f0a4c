/**
 * The topics table. The only module that knows its keys: topic items keyed by `topicId`, listed
 * newest activity first through the sparse `byActivity` index (only topics carry `feed`), and
 * one marker item per message event already counted (`topicId` = `counted#<kind>#<messageId>`),
 * written in the same transaction as the count, which is what makes the count idempotent.
 */
import type { Topic } from '@agora/catalogue/api-shapes';
import {
  type CursorPage,
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
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/** A topic as stored is a topic as the API shows it (the catalogue's shape). */
export type { Topic };

const feed = 'topic';
const activityIndex = 'byActivity';
const listCursor = { topicId: cursorValues.id, feed, lastActivityAt: cursorValues.timestamp };
/** Markers outlive any redelivery (SQS keeps a message 4 days at most), then DynamoDB's TTL removes them. */
const markerTtlSeconds = 14 * 24 * 3600;

function toTopic(item: Record<string, unknown>): Topic {
  return {
    topicId: item.topicId as string,
    title: item.title as string,
    authorId: item.authorId as string,
    createdAt: item.createdAt as string,
    lastActivityAt: item.lastActivityAt as string,
    messageCount: Math.max(0, Number(item.messageCount ?? 0)),
    ...(item.editedAt ? { editedAt: item.editedAt as string } : {}),
  };
}

export function createTopicsRepo(documents: DynamoDBDocumentClient, tableName: string) {
  return {
    async create(topic: Topic): Promise<void> {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...topic, feed },
          ConditionExpression: 'attribute_not_exists(topicId)',
        }),
      );
    },

    /** `consistent`: read after one's own write (what a live update announces must be current). */
    async findById(topicId: string, options: { consistent?: boolean } = {}): Promise<Topic | undefined> {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { topicId }, ConsistentRead: options.consistent === true }),
      );
      return Item?.feed === feed ? toTopic(Item) : undefined;
    },

    /** Topics by latest activity, newest first, a page at a time. */
    async listByActivity(limit: number, cursor?: string): Promise<CursorPage<Topic>> {
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: activityIndex,
          KeyConditionExpression: 'feed = :feed',
          ExpressionAttributeValues: { ':feed': feed },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: decodeCursor(cursor, listCursor),
        }),
      );
      return pageOf(Items.map(toTopic), LastEvaluatedKey);
    },

    async updateTitle(topicId: string, title: string, editedAt: string): Promise<Topic | undefined> {
      const item = await conditionalUpdate(documents, {
        TableName: tableName,
        Key: { topicId },
        UpdateExpression: 'SET title = :title, editedAt = :editedAt',
        ConditionExpression: 'feed = :feed',
        ExpressionAttributeValues: { ':title': title, ':editedAt': editedAt, ':feed': feed },
      });
      return item ? toTopic(item) : undefined;
    },

    async delete(topicId: string): Promise<boolean> {
      const deleted = await unlessConditionFails(
        documents.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { topicId },
            ConditionExpression: 'feed = :feed',
            ExpressionAttributeValues: { ':feed': feed },
          }),
        ),
      );
      return deleted !== undefined;
    },

    /**
     * Counts one message event once: +1 for a post, -1 for a deletion, and the activity time moves
     * forward only. A second delivery of the same event finds its marker and changes nothing; an
     * event for a topic that is gone changes nothing either.
     */
    async countMessageEvent(
      kind: 'posted' | 'deleted',
      event: { topicId: string; messageId: string; at: string },
    ): Promise<'counted' | 'duplicate' | 'no-topic'> {
      let outcome: 'counted' | 'duplicate' | 'no-topic' = 'counted';
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    topicId: `counted#${kind}#${event.messageId}`,
                    expiresAt: Math.floor(Date.now() / 1000) + markerTtlSeconds,
                  },
                  ConditionExpression: 'attribute_not_exists(topicId)',
                },
              },
              {
                Update: {
                  TableName: tableName,
                  Key: { topicId: event.topicId },
                  UpdateExpression: 'ADD messageCount :delta',
                  ConditionExpression: 'feed = :feed',
                  ExpressionAttributeValues: { ':delta': kind === 'posted' ? 1 : -1, ':feed': feed },
                },
              },
            ],
          }),
        );
      } catch (error) {
        const failed = failedConditions(error);
        if (failed.includes(0)) outcome = 'duplicate';
        else if (failed.includes(1)) return 'no-topic';
        else throw error;
      }
      // Also on a duplicate: the earlier delivery may have failed between the count and this.
      if (kind === 'posted') await this.touch(event.topicId, event.at);
      return outcome;
    },

    /** Moves lastActivityAt forward to `at` (never back), so replays and reordering are harmless. */
    async touch(topicId: string, at: string): Promise<void> {
      await unlessConditionFails(
        documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { topicId },
            UpdateExpression: 'SET lastActivityAt = :at',
            ConditionExpression: 'feed = :feed AND lastActivityAt < :at',
            ExpressionAttributeValues: { ':at': at, ':feed': feed },
          }),
        ),
      );
    },
  };
}

export type TopicsRepo = ReturnType<typeof createTopicsRepo>;
