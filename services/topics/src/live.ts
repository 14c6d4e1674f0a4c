/**
 * The forum's live feed on one topics task: the forum events every browser may see (taskQueues'
 * topicsLiveQueues in the catalogue: topic.updated, topic.deleted, message.posted,
 * message.deleted), received on this task's own queue and turned into server-sent events for
 * GET /api/topics/live. No table is read: each event carries what the browser is shown.
 */
import { parseEvent } from '@agora/runtime/consumer';
import { serverSentEvent } from '@agora/runtime/event-stream';
import {
  createTaskLiveFeed,
  type LiveFeed,
  type LiveMessage,
  type TaskLiveFeedOptions,
} from '@agora/runtime/live-fanout';
import type { Topic } from './topics-repo.ts';

/** One server-sent event, ready to write. */
export type ForumLiveEvent = string;

/** A topic's fields in the order GET /api/topics/:topicId gives them. */
export function topicView(topic: Topic): Topic {
  return {
    topicId: topic.topicId,
    title: topic.title,
    authorId: topic.authorId,
    createdAt: topic.createdAt,
    lastActivityAt: topic.lastActivityAt,
    messageCount: topic.messageCount,
    ...(topic.editedAt ? { editedAt: topic.editedAt } : {}),
  };
}

/** A forum event as the live feed's browsers see it (nothing for a type the feed does not carry). */
export function forumLiveEvents(message: LiveMessage): ForumLiveEvent[] {
  const { type, payload } = parseEvent(message.body);
  switch (type) {
    case 'topic.updated':
      return [serverSentEvent('topic', topicView(payload as unknown as Topic))];
    case 'topic.deleted':
      return [serverSentEvent('topic-deleted', { topicId: payload.topicId })];
    case 'message.posted':
      return [
        serverSentEvent('message', {
          topicId: payload.topicId,
          messageId: payload.messageId,
          authorId: payload.authorId,
          createdAt: payload.createdAt,
        }),
      ];
    case 'message.deleted':
      return [serverSentEvent('message-deleted', { topicId: payload.topicId, messageId: payload.messageId })];
    default:
      return [];
  }
}

/** This task's forum feed: its own queue of the catalogue's topicsLiveQueues. */
export function createForumLiveFeed(options: TaskLiveFeedOptions): LiveFeed<ForumLiveEvent> {
  return createTaskLiveFeed('topicsLiveQueues', options, forumLiveEvents);
}
