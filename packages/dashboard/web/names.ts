/**
 * Display names and topic titles the views show beside ids: one request per id while the page
 * is open, shared by every view that asks (the topic list shows one author many times).
 */
import { getTopic, getUser } from './forum-api.ts';

/** A lookup by id, asked once; a failed one answers `fallback` and is asked again next time. */
function cachedLookup(fetch: (id: string) => Promise<string>, fallback: string) {
  const known = new Map<string, Promise<string>>();
  return {
    get(id: string): Promise<string> {
      let value = known.get(id);
      if (!value) {
        value = fetch(id).catch(() => {
          known.delete(id);
          return fallback;
        });
        known.set(id, value);
      }
      return value;
    },
    /** a value learnt elsewhere (a message's authorName, one's own rename) replaces the cached one */
    remember(id: string, value: string): void {
      known.set(id, Promise.resolve(value));
    },
  };
}

const names = cachedLookup(async (userId) => (await getUser(userId)).displayName, 'a former member');
const titles = cachedLookup(async (topicId) => (await getTopic(topicId)).title, 'a deleted topic');

export const displayName = names.get;
export const rememberName = names.remember;
export const topicTitle = titles.get;
export const rememberTitle = titles.remember;
