/**
 * The forum's live feed (GET /api/topics/live, public): topics created or newly active, and
 * messages posted or deleted, as server-sent events. One stream per tab, whichever view is
 * open; each view subscribes to what it shows while it is shown.
 */

import type { Topic } from '@agora/catalogue/api-shapes';
import { openFeed } from './feed.ts';
import type { ServerEvent } from './sse.ts';

export const forumFeedPath = '/api/topics/live';

export type ForumEvent =
  | { readonly kind: 'topic'; readonly topic: Topic }
  | { readonly kind: 'topic-deleted'; readonly topicId: string }
  | {
      readonly kind: 'message';
      readonly topicId: string;
      readonly messageId: string;
      readonly authorId: string;
      readonly createdAt: string;
    }
  | { readonly kind: 'message-deleted'; readonly topicId: string; readonly messageId: string }
  /** the stream is (again) open: what was missed while it was down must be reloaded */
  | { readonly kind: 'connected'; readonly again: boolean };

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** One event of the stream as the views read it; anything malformed or unknown is ignored. */
export function forumEventFrom(event: ServerEvent): ForumEvent | undefined {
  let data: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(event.data);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    data = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { topicId, messageId } = data;
  if (!isText(topicId)) return undefined;
  switch (event.event) {
    case 'topic':
      return isText(data.title) && isText(data.lastActivityAt) && typeof data.messageCount === 'number'
        ? { kind: 'topic', topic: data as unknown as Topic }
        : undefined;
    case 'topic-deleted':
      return { kind: 'topic-deleted', topicId };
    case 'message':
      return isText(messageId) && isText(data.authorId) && isText(data.createdAt)
        ? { kind: 'message', topicId, messageId, authorId: data.authorId, createdAt: data.createdAt }
        : undefined;
    case 'message-deleted':
      return isText(messageId) ? { kind: 'message-deleted', topicId, messageId } : undefined;
    default:
      return undefined;
  }
}

type Listener = (event: ForumEvent) => void;
const listeners = new Set<Listener>();

/** Hears every forum event until the returned function is called. */
export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(event: ForumEvent) {
  for (const listener of [...listeners]) listener(event);
}

export function startForumFeed(showState: (state: 'connecting' | 'live' | 'reconnecting') => void): () => void {
  let connections = 0;
  return openFeed(forumFeedPath, {
    onEvent: (event) => {
      const parsed = forumEventFrom(event);
      if (parsed) emit(parsed);
    },
    onState: (state) => {
      showState(state);
      if (state === 'live') emit({ kind: 'connected', again: connections++ > 0 });
    },
  });
}
