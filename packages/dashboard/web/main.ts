/** The dashboard page: sign in and out, then the dashboard with its live feed (see the *-view.ts modules). */
import { login } from './api.ts';
import { renderDashboard } from './dashboard-view.ts';
import { byId, h } from './dom.ts';
import { openFeed } from './feed.ts';
import { applyFeedEvent, showFeedState } from './feed-events.ts';
import { clearSession, loadSession, type Session, saveSession, sessionFromToken } from './session.ts';
import { app, messageOf, showNotice, state } from './state.ts';
import { loadStores } from './stock-view.ts';

function renderSignIn(message?: string) {
  byId('account').hidden = true;
  const error = h('p', { id: 'sign-in-error', class: 'error', role: 'alert' }, message ?? '');
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { id: 'sign-in', class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    h('label', { for: 'username' }, 'Username'),
    username,
    h('label', { for: 'password' }, 'Password'),
    password,
    submit,
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      const answer = await login(username.value.trim(), password.value);
      const session = sessionFromToken(answer.accessToken, answer.expiresIn);
      saveSession(session);
      startSession(session);
    } catch (failure) {
      error.textContent = messageOf(failure);
      submit.disabled = false;
      password.select();
    }
  });
  app.replaceChildren(form);
  username.focus();
}

function signOut(message?: string) {
  state.closeFeed?.();
  clearTimeout(state.expiryTimer);
  clearSession();
  Object.assign(state, { session: undefined, stores: [], store: undefined, uploads: [], alerts: [] });
  state.rows.clear();
  showNotice(undefined);
  renderSignIn(message);
}

function startSession(session: Session) {
  state.session = session;
  byId('who').textContent = `Signed in as ${session.name || session.username}`;
  byId('account').hidden = false;
  state.expiryTimer = setTimeout(
    () => signOut('Your session has ended (sign-ins last 15 minutes). Sign in again.'),
    Math.max(0, session.expiresAt - Date.now()),
  );
  renderDashboard();
  state.closeFeed = openFeed(session.token, {
    onEvent: applyFeedEvent,
    onState: showFeedState,
    onUnauthorized: (message) => signOut(`${message} Sign in again.`),
  });
  void loadStores();
}

byId('sign-out').addEventListener('click', () => signOut('You are signed out.'));

state.endSession = signOut;

const existing = loadSession();
if (existing) startSession(existing);
else renderSignIn();
