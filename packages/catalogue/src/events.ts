/**
 * Forum events. Each travels on the forum events topic with a `type` message attribute; each
 * consumer queue subscribes with a filter policy listing exactly the types it receives.
 */
import { type Static, type TSchema, Type } from 'typebox';

const isoTime = Type.String({ format: 'date-time' });
const id = Type.String({ minLength: 1, maxLength: 64 });

export const eventSchemas = {
  'user.renamed': Type.Object(
    { userId: id, displayName: Type.String({ minLength: 1, maxLength: 64 }), renamedAt: isoTime },
    { additionalProperties: false },
  ),
  // The messages service keeps its own record of which topics exist (it never reads the topics
  // table), fed by topic.created / topic.deleted; a topic's optional first message rides along.
  'topic.created': Type.Object(
    {
      topicId: id,
      authorId: id,
      authorName: Type.String({ minLength: 1, maxLength: 64 }),
      createdAt: isoTime,
      firstMessage: Type.Optional(
        Type.Object(
          { messageId: id, body: Type.String({ minLength: 1, maxLength: 10000 }) },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  'topic.deleted': Type.Object({ topicId: id, deletedAt: isoTime }, { additionalProperties: false }),
  // A topic as GET /api/topics/:topicId shows it, after anything it shows changed (created,
  // retitled, a message counted): the live feed (GET /api/topics/live) passes it on as it is.
  'topic.updated': Type.Object(
    {
      topicId: id,
      title: Type.String({ minLength: 1, maxLength: 200 }),
      authorId: id,
      createdAt: isoTime,
      lastActivityAt: isoTime,
      messageCount: Type.Integer({ minimum: 0 }),
      editedAt: Type.Optional(isoTime),
    },
    { additionalProperties: false },
  ),
  'message.posted': Type.Object(
    { topicId: id, messageId: id, authorId: id, createdAt: isoTime },
    { additionalProperties: false },
  ),
  'message.deleted': Type.Object({ topicId: id, messageId: id, deletedAt: isoTime }, { additionalProperties: false }),
} as const satisfies Record<string, TSchema>;

export type EventType = keyof typeof eventSchemas;
export type EventPayload<T extends EventType> = Static<(typeof eventSchemas)[T]>;

export interface EventRoute {
  readonly type: EventType;
  /** the topic it is published on */
  readonly topic: 'forumEvents';
  /** the queues (resource ids) subscribed to receive it */
  readonly consumers: readonly string[];
}

export const eventRoutes = [
  { type: 'user.renamed', topic: 'forumEvents', consumers: ['messagesEventsQueue'] },
  { type: 'topic.created', topic: 'forumEvents', consumers: ['messagesEventsQueue'] },
  { type: 'topic.deleted', topic: 'forumEvents', consumers: ['messagesEventsQueue'] },
  // only the topics tasks' own live queues (resources.ts, taskQueues) receive it
  { type: 'topic.updated', topic: 'forumEvents', consumers: [] },
  { type: 'message.posted', topic: 'forumEvents', consumers: ['topicsEventsQueue'] },
  { type: 'message.deleted', topic: 'forumEvents', consumers: ['topicsEventsQueue'] },
] as const satisfies readonly EventRoute[];

export interface SubscriptionDefinition {
  readonly topic: string;
  readonly queue: string;
  readonly filterPolicy: { readonly type: readonly string[] };
}

/** One subscription per consumer queue, its filter policy derived from the event routes. */
export function subscriptions(): SubscriptionDefinition[] {
  const byQueue = new Map<string, SubscriptionDefinition>();
  for (const route of eventRoutes) {
    for (const queue of route.consumers) {
      const key = `${route.topic}/${queue}`;
      const existing = byQueue.get(key);
      const types = existing ? [...existing.filterPolicy.type, route.type] : [route.type];
      byQueue.set(key, { topic: route.topic, queue, filterPolicy: { type: types } });
    }
  }
  return [...byQueue.values()];
}
