/** The topics list: by latest activity, paged with the API's cursor, new and newly active topics live. */
import type { Topic } from '@agora/catalogue/api-shapes';
import { h } from './dom.ts';
import { createTopic, listTopics } from './forum-api.ts';
import { subscribe } from './forum-live.ts';
import { displayName, rememberTitle } from './names.ts';
import { navigate } from './router.ts';
import { app, messageOf, state } from './state.ts';
import { belongsInShown, mergeTopics } from './topic-list.ts';
import { authorLink, checkAll, heading, plural, ruledField, timeOf } from './ui.ts';

function topicItem(topic: Topic, fresh: boolean): HTMLLIElement {
  const author = authorLink(topic.authorId, '…');
  void displayName(topic.authorId).then((name) => {
    author.textContent = name;
  });
  return h(
    'li',
    { class: fresh ? 'topic fresh' : 'topic', 'data-topic-id': topic.topicId },
    h('h2', {}, h('a', { href: `/topics/${encodeURIComponent(topic.topicId)}`, class: 'title' }, topic.title)),
    h(
      'p',
      { class: 'meta' },
      'by ',
      author,
      ' · ',
      h('span', { class: 'count' }, plural(topic.messageCount, 'message', 'messages')),
      ' · last activity ',
      timeOf(topic.lastActivityAt),
    ),
  );
}

function newTopicForm(): HTMLElement {
  const session = state.session;
  if (!session) {
    return h(
      'p',
      { class: 'card' },
      h('a', { href: '/sign-in' }, 'Sign in'),
      ' or ',
      h('a', { href: '/register' }, 'register'),
      ' to start a topic or reply.',
    );
  }
  const title = ruledField('topic-title', 'Title', 'topicTitle');
  const body = ruledField('topic-body', 'First message (optional)', 'messageBody', { multiline: true, optional: true });
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Start topic');
  const form = h(
    'form',
    { id: 'new-topic', class: 'card stack', 'aria-labelledby': 'new-topic-title', novalidate: true },
    h('h2', { id: 'new-topic-title' }, 'Start a topic'),
    title.wrap,
    body.wrap,
    submit,
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    if (!checkAll([title, body])) return;
    submit.disabled = true;
    try {
      const topic = await createTopic(session.token, title.input.value, body.input.value);
      rememberTitle(topic.topicId, topic.title);
      navigate(`/topics/${encodeURIComponent(topic.topicId)}`);
    } catch (failure) {
      error.textContent = messageOf(failure);
      submit.disabled = false;
    }
  });
  return form;
}

export function renderTopics(): () => void {
  let shown: Topic[] = [];
  let nextCursor: string | undefined;
  let loadedOnce = false;
  const fresh = new Set<string>();
  const list = h('ol', { id: 'topic-list', class: 'topic-list', 'aria-labelledby': 'view-title' });
  const status = h('p', { id: 'topics-status', role: 'status' }, 'Loading topics…');
  const more = h('button', { type: 'button', id: 'more-topics', hidden: true }, 'More topics');

  const draw = () => {
    list.replaceChildren(...shown.map((topic) => topicItem(topic, fresh.has(topic.topicId))));
    more.hidden = nextCursor === undefined;
    status.textContent = shown.length === 0 ? 'No topics yet.' : '';
  };

  const load = async (cursor?: string) => {
    more.disabled = true;
    try {
      const page = await listTopics(cursor);
      shown = mergeTopics(cursor ? shown : [], page.items);
      nextCursor = page.nextCursor;
      loadedOnce = true;
      draw();
    } catch (failure) {
      status.textContent = messageOf(failure);
    }
    more.disabled = false;
  };
  more.addEventListener('click', () => void load(nextCursor));

  const unsubscribe = subscribe((event) => {
    if (event.kind === 'connected') {
      if (event.again) void load();
    } else if (event.kind === 'topic') {
      if (!loadedOnce || !belongsInShown(shown, event.topic, nextCursor === undefined)) return;
      fresh.add(event.topic.topicId);
      shown = mergeTopics(shown, [event.topic]);
      draw();
    } else if (event.kind === 'topic-deleted') {
      shown = shown.filter((topic) => topic.topicId !== event.topicId);
      draw();
    }
  });

  app.className = 'single';
  app.replaceChildren(
    h('section', { class: 'topics', 'aria-labelledby': 'view-title' }, heading('Topics'), status, list, more),
    newTopicForm(),
  );
  void load();
  return unsubscribe;
}
