/** An author's page: their current name and their messages across topics, newest first, paged. */
import type { Message } from '@agora/catalogue/api-shapes';
import { ApiError } from './api.ts';
import { h } from './dom.ts';
import { getUser, listUserMessages } from './forum-api.ts';
import { topicTitle } from './names.ts';
import { app, messageOf } from './state.ts';
import { heading, timeOf } from './ui.ts';

function messageItem(message: Message): HTMLLIElement {
  const topic = h('a', { href: `/topics/${encodeURIComponent(message.topicId)}` }, 'a topic');
  void topicTitle(message.topicId).then((title) => {
    topic.textContent = title;
  });
  return h(
    'li',
    { class: 'message', 'data-message-id': message.messageId },
    h('p', { class: 'meta' }, 'In ', topic, ' ', timeOf(message.createdAt)),
    h('p', { class: 'body' }, message.body),
  );
}

export function renderUser(userId: string) {
  const title = heading('Loading…');
  const since = h('p', { class: 'meta' });
  const list = h('ol', { id: 'user-messages', class: 'messages', 'aria-label': 'Messages, newest first' });
  const status = h('p', { role: 'status' });
  const more = h('button', { type: 'button', id: 'more-user-messages', hidden: true }, 'Older messages');
  let nextCursor: string | undefined;
  const seen = new Set<string>();

  const load = async (cursor?: string) => {
    more.disabled = true;
    try {
      const page = await listUserMessages(userId, cursor);
      for (const message of page.items) {
        if (seen.has(message.messageId)) continue;
        seen.add(message.messageId);
        list.append(messageItem(message));
      }
      nextCursor = page.nextCursor;
      more.hidden = nextCursor === undefined;
      status.textContent = seen.size === 0 ? 'No messages yet.' : '';
    } catch (failure) {
      status.textContent = messageOf(failure);
    }
    more.disabled = false;
  };
  more.addEventListener('click', () => void load(nextCursor));

  app.className = 'single';
  app.replaceChildren(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'view-title' },
      title,
      since,
      h('h2', {}, 'Messages, newest first'),
      status,
      list,
      more,
    ),
  );
  void (async () => {
    try {
      const user = await getUser(userId);
      title.textContent = user.displayName;
      document.title = `${user.displayName} · Agora`;
      since.replaceChildren(`@${user.username} · member since `, timeOf(user.createdAt));
      await load();
    } catch (failure) {
      title.textContent = failure instanceof ApiError && failure.status === 404 ? 'No such member' : 'Not available';
      status.textContent = messageOf(failure);
    }
  })();
}
