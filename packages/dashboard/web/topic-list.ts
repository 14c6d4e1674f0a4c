/**
 * The topics list's order, apart from the page: newest activity first, one entry per topic,
 * whether its entries came from a page of the API or from the live feed. Pure, so tests run it in Node.
 */
import type { Topic } from '@agora/catalogue/api-shapes';

function newer(a: Topic, b: Topic): Topic {
  return a.lastActivityAt >= b.lastActivityAt ? a : b;
}

/** Topics by latest activity, newest first; ties by id so the order is stable. */
export function byActivity(a: Topic, b: Topic): number {
  if (a.lastActivityAt !== b.lastActivityAt) return a.lastActivityAt < b.lastActivityAt ? 1 : -1;
  return a.topicId < b.topicId ? -1 : a.topicId > b.topicId ? 1 : 0;
}

/** Adds a page (or one live topic) to the list: each topic once, in its latest state, sorted. */
export function mergeTopics(shown: readonly Topic[], incoming: readonly Topic[]): Topic[] {
  const byId = new Map(shown.map((topic) => [topic.topicId, topic]));
  for (const topic of incoming) {
    const known = byId.get(topic.topicId);
    byId.set(topic.topicId, known ? newer(topic, known) : topic);
  }
  return [...byId.values()].sort(byActivity);
}

/**
 * Whether a live topic belongs among those shown: always when the whole list is loaded,
 * otherwise only when it is at least as active as the last one shown (older ones arrive with
 * the next page, in their place).
 */
export function belongsInShown(shown: readonly Topic[], topic: Topic, complete: boolean): boolean {
  const last = shown.at(-1);
  return complete || last === undefined || topic.lastActivityAt >= last.lastActivityAt;
}
