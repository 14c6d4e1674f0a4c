/**
 * The Agora web app: the forum for everyone (members write), the inventory section for managers,
 * one sign-in for both. This module owns the session and the header, and shows the view each
 * URL names (see router.ts); the views live in the *-view.ts modules.
 */
import { renderAccount, renderRegister, renderSignIn } from './account-view.ts';
import { byId, h } from './dom.ts';
import { startForumFeed } from './forum-live.ts';
import { renderInventory } from './inventory-view.ts';
import { type Route, refresh, startRouter } from './router.ts';
import { clearSession, loadSession, type Session } from './session.ts';
import { app, showNotice, state } from './state.ts';
import { renderTopic } from './topic-view.ts';
import { renderTopics } from './topics-view.ts';
import { renderUser } from './user-view.ts';

const managerRole = 'inventory-manager';
let leaveView: (() => void) | undefined;
let currentRoute: Route = { name: 'topics' };

function drawHeader() {
  const session = state.session;
  const who = byId<HTMLAnchorElement>('who');
  who.textContent = session ? `Signed in as ${session.name || session.username}` : '';
  who.hidden = !session;
  byId('sign-out').hidden = !session;
  byId('nav-sign-in').hidden = Boolean(session);
  byId('nav-register').hidden = Boolean(session);
  byId('nav-inventory').hidden = !session?.roles.includes(managerRole);
  const section = currentRoute.name === 'inventory' ? 'inventory' : currentRoute.name === 'topics' ? 'topics' : '';
  for (const link of document.querySelectorAll<HTMLAnchorElement>('header a[data-section]')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function beginSession(session: Session) {
  state.session = session;
  clearTimeout(state.expiryTimer);
  state.expiryTimer = setTimeout(
    () => endSession('Your session has ended (sign-ins last 15 minutes). Sign in again.'),
    Math.max(0, session.expiresAt - Date.now()),
  );
  drawHeader();
}

function endSession(message: string) {
  clearTimeout(state.expiryTimer);
  clearSession();
  state.session = undefined;
  Object.assign(state, { uploads: [], alerts: [] });
  refresh();
  showNotice(message);
}

const titles: Record<Route['name'], string> = {
  topics: 'Topics',
  topic: 'Topic',
  user: 'Member',
  'sign-in': 'Sign in',
  register: 'Register',
  account: 'Your account',
  inventory: 'Inventory',
  'not-found': 'Not found',
};

function show(route: Route, how: { initial: boolean }) {
  leaveView?.();
  leaveView = undefined;
  currentRoute = route;
  showNotice(undefined);
  document.title = `${titles[route.name]} · Agora`;
  drawHeader();
  switch (route.name) {
    case 'topics':
      leaveView = renderTopics();
      break;
    case 'topic':
      leaveView = renderTopic(route.topicId);
      break;
    case 'user':
      renderUser(route.userId);
      break;
    case 'sign-in':
      renderSignIn();
      break;
    case 'register':
      renderRegister();
      break;
    case 'account':
      renderAccount();
      break;
    case 'inventory':
      leaveView = renderInventory();
      break;
    case 'not-found':
      app.className = 'single';
      app.replaceChildren(
        h('h1', { id: 'view-title', tabindex: -1 }, 'Not found'),
        h('p', {}, 'Nothing lives at this address. ', h('a', { href: '/' }, 'See the topics')),
      );
      break;
  }
  // After a navigation the reader's focus goes to the new view (a form focuses its first field itself).
  const focused = document.activeElement;
  if (!how.initial && (!focused || focused === document.body || !app.contains(focused))) {
    document.getElementById('view-title')?.focus();
  }
}

byId('sign-out').addEventListener('click', () => endSession('You are signed out.'));
state.endSession = endSession;
state.beginSession = beginSession;

const existing = loadSession();
if (existing) beginSession(existing);
startForumFeed((feed) => {
  const live = byId('live');
  live.dataset.state = feed;
  live.textContent = feed === 'live' ? 'Live' : feed === 'connecting' ? 'Connecting…' : 'Reconnecting…';
});
startRouter(show);
