/**
 * One topic: its messages oldest first, paged; posting; editing and deleting your own messages
 * and topic (the controls appear only on what the API lets you change, and a refusal is still
 * explained); messages others post appear live.
 */
import type { Message, Topic } from '@agora/catalogue/api-shapes';
import { ApiError } from './api.ts';
import { h } from './dom.ts';
import {
  deleteMessage,
  deleteTopic,
  editMessage,
  getTopic,
  listMessages,
  postMessage,
  renameTopic,
} from './forum-api.ts';
import { subscribe } from './forum-live.ts';
import { displayName, rememberName, rememberTitle } from './names.ts';
import { navigate } from './router.ts';
import { app, handleFailure, messageOf, state } from './state.ts';
import { authorLink, checkAll, heading, plural, type RuledField, ruledField, timeOf } from './ui.ts';

/** An edit in place: the field under its rule, Save (the API's refusal shown on the field) and Cancel. */
function editForm(field: RuledField, saveLabel: string, cancel: () => void, save: (value: string) => Promise<void>) {
  const saveButton = h('button', { type: 'submit' }, saveLabel);
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field.wrap,
    h('div', { class: 'actions' }, saveButton, h('button', { type: 'button', onclick: cancel }, 'Cancel')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!checkAll([field])) return;
    saveButton.disabled = true;
    try {
      await save(field.input.value);
    } catch (failure) {
      saveButton.disabled = false;
      handleFailure(failure, (message) => field.fail(message));
    }
  });
  return form;
}

/** Bounds how many pages one catch-up reads, so a flood cannot keep the page busy forever. */
const maxPagesPerCatchUp = 20;

export function renderTopic(topicId: string): () => void {
  let topic: Topic | undefined;
  const messages = new Map<string, Message>();
  /** the cursor of the last page read (undefined: the first page), re-read to catch up live */
  let lastPageCursor: string | undefined;
  let nextCursor: string | undefined;
  let catchingUp: Promise<void> | undefined;
  let gone = false;
  const mine = (authorId: string) => state.session?.userId === authorId;

  const title = heading('Loading the topic…');
  const meta = h('p', { class: 'meta' });
  const topicActions = h('div', { class: 'actions' });
  const topicError = h('p', { class: 'error', role: 'alert' });
  const list = h('ol', { id: 'messages', class: 'messages', 'aria-label': 'Messages' });
  const status = h('p', { id: 'messages-status', role: 'status' });
  const more = h('button', { type: 'button', id: 'more-messages', hidden: true }, 'Later messages');

  const drawHeader = () => {
    if (!topic) return;
    const current = topic;
    title.textContent = current.title;
    document.title = `${current.title} · Agora`;
    const author = authorLink(current.authorId, '…');
    void displayName(current.authorId).then((name) => {
      author.textContent = name;
    });
    meta.replaceChildren(
      'Started by ',
      author,
      ' ',
      timeOf(current.createdAt),
      ' · ',
      h('span', { class: 'count' }, plural(current.messageCount, 'message', 'messages')),
      current.editedAt ? ' · title edited' : '',
    );
    topicActions.replaceChildren(
      ...(mine(current.authorId) && !gone
        ? [
            h('button', { type: 'button', onclick: () => editTitle() }, 'Edit title'),
            h('button', { type: 'button', class: 'danger', onclick: () => void removeTopic() }, 'Delete topic'),
          ]
        : []),
    );
  };

  const editTitle = () => {
    const session = state.session;
    if (!topic || !session) return;
    const field = ruledField('edit-title', 'New title', 'topicTitle', { value: topic.title });
    const form = editForm(field, 'Save title', drawHeader, async (value) => {
      topic = await renameTopic(session.token, topicId, value);
      rememberTitle(topicId, topic.title);
      drawHeader();
    });
    topicActions.replaceChildren(form);
    field.input.focus();
  };

  const removeTopic = async () => {
    const session = state.session;
    if (!session || !confirm('Delete this topic and all its messages?')) return;
    try {
      await deleteTopic(session.token, topicId);
      navigate('/', { replace: true });
    } catch (failure) {
      handleFailure(failure, (message) => {
        topicError.textContent = message;
      });
    }
  };

  const messageItem = (message: Message): HTMLLIElement => {
    rememberName(message.authorId, message.authorName);
    const body = h('p', { class: 'body' }, message.body);
    const error = h('p', { class: 'error', role: 'alert' });
    const actions = h('div', { class: 'actions' });
    const item = h(
      'li',
      { class: 'message', 'data-message-id': message.messageId, 'data-author-id': message.authorId },
      h(
        'p',
        { class: 'meta' },
        authorLink(message.authorId, message.authorName),
        ' ',
        timeOf(message.createdAt),
        message.editedAt ? h('span', { class: 'edited' }, ' (edited)') : '',
      ),
      body,
      actions,
      error,
    );
    const session = state.session;
    if (session && mine(message.authorId) && !gone) {
      actions.append(
        h('button', { type: 'button', onclick: () => edit() }, 'Edit'),
        h('button', { type: 'button', class: 'danger', onclick: () => void remove() }, 'Delete'),
      );
    }
    const edit = () => {
      const field = ruledField(`edit-${message.messageId}`, 'Edit your message', 'messageBody', {
        multiline: true,
        value: message.body,
      });
      const form = editForm(
        field,
        'Save',
        () => item.replaceWith(messageItem(message)),
        async (value) => {
          if (!state.session) return;
          const updated = await editMessage(state.session.token, message.messageId, value);
          messages.set(updated.messageId, updated);
          item.replaceWith(messageItem(updated));
        },
      );
      body.replaceWith(form);
      actions.hidden = true;
      field.input.focus();
    };
    const remove = async () => {
      if (!state.session || !confirm('Delete this message?')) return;
      try {
        await deleteMessage(state.session.token, message.messageId);
        forget(message.messageId);
      } catch (failure) {
        if (failure instanceof ApiError && failure.status === 404) forget(message.messageId);
        else handleFailure(failure, (text) => (error.textContent = text));
      }
    };
    return item;
  };

  const forget = (messageId: string) => {
    messages.delete(messageId);
    list.querySelector(`li[data-message-id="${CSS.escape(messageId)}"]`)?.remove();
    if (messages.size === 0) status.textContent = 'No messages yet.';
  };

  /** Adds a page's messages in order, each once (a live catch-up may re-read some). */
  const add = (page: readonly Message[]) => {
    for (const message of page) {
      if (messages.has(message.messageId)) continue;
      messages.set(message.messageId, message);
      list.append(messageItem(message));
    }
    status.textContent = messages.size === 0 ? 'No messages yet.' : '';
  };

  const readPage = async (cursor: string | undefined) => {
    const page = await listMessages(topicId, cursor);
    lastPageCursor = cursor;
    nextCursor = page.nextCursor;
    add(page.items);
    more.hidden = nextCursor === undefined;
  };

  /** Reads on from the last page to the end: what was posted since it was read. */
  const catchUp = () => {
    catchingUp ??= (async () => {
      try {
        await readPage(lastPageCursor);
        for (let pages = 1; nextCursor !== undefined && pages < maxPagesPerCatchUp; pages++) {
          await readPage(nextCursor);
        }
      } catch (failure) {
        status.textContent = messageOf(failure);
      } finally {
        catchingUp = undefined;
      }
    })();
    return catchingUp;
  };

  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      await readPage(nextCursor);
    } catch (failure) {
      status.textContent = messageOf(failure);
    }
    more.disabled = false;
  });

  const endTopic = (text: string) => {
    gone = true;
    topicError.textContent = text;
    composer.replaceChildren();
    drawHeader();
    for (const button of list.querySelectorAll('.actions button')) button.remove();
  };

  const unsubscribe = subscribe((event) => {
    if (event.kind === 'connected') {
      if (event.again && topic) void catchUp();
      return;
    }
    const about = event.kind === 'topic' ? event.topic.topicId : event.topicId;
    if (about !== topicId || !topic) return;
    if (event.kind === 'topic') {
      // At least once and in no guaranteed order: an older state than the one shown is stale.
      if (event.topic.lastActivityAt < topic.lastActivityAt) return;
      topic = event.topic;
      drawHeader();
    } else if (event.kind === 'topic-deleted') {
      endTopic('This topic was deleted.');
    } else if (event.kind === 'message') {
      // Only the reader at the end of the thread sees it arrive; others reach it with "Later messages".
      if (nextCursor === undefined && !messages.has(event.messageId)) void catchUp();
      else if (nextCursor !== undefined) status.textContent = 'New messages were posted: see later messages.';
    } else if (event.kind === 'message-deleted') {
      forget(event.messageId);
    }
  });

  const composer = h('div', {});
  const drawComposer = () => {
    const session = state.session;
    if (!session) {
      composer.replaceChildren(
        h(
          'p',
          {},
          h('a', { href: '/sign-in' }, 'Sign in'),
          ' or ',
          h('a', { href: '/register' }, 'register'),
          ' to reply.',
        ),
      );
      return;
    }
    const field = ruledField('reply', 'Your message', 'messageBody', { multiline: true });
    const error = h('p', { class: 'error', role: 'alert' });
    const submit = h('button', { type: 'submit' }, 'Post message');
    const form = h(
      'form',
      { id: 'reply-form', class: 'card stack', 'aria-labelledby': 'reply-title', novalidate: true },
      h('h2', { id: 'reply-title' }, 'Reply'),
      field.wrap,
      submit,
      error,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      if (!checkAll([field])) return;
      submit.disabled = true;
      try {
        const posted = await postMessage(session.token, topicId, field.input.value);
        // Read on to the end first, so the new message lands after every earlier one.
        if (nextCursor !== undefined) await catchUp();
        add([posted]);
        field.input.value = '';
        field.input.focus();
      } catch (failure) {
        handleFailure(failure, (text) => (error.textContent = text));
      }
      submit.disabled = false;
    });
    composer.replaceChildren(form);
  };

  app.className = 'single';
  app.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: '/' }, '← All topics')),
    h('section', { class: 'card topic', 'aria-labelledby': 'view-title' }, title, meta, topicActions, topicError),
    h('section', { class: 'thread', 'aria-label': 'Thread' }, status, list, more),
    composer,
  );

  void (async () => {
    try {
      const [found] = await Promise.all([getTopic(topicId), readPage(undefined)]);
      topic = found;
      rememberTitle(topicId, found.title);
      drawHeader();
      drawComposer();
    } catch (failure) {
      title.textContent =
        failure instanceof ApiError && failure.status === 404 ? 'No such topic' : 'The topic could not be loaded';
      status.textContent = messageOf(failure);
    }
  })();
  return unsubscribe;
}
