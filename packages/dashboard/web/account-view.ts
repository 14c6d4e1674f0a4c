/** Signing in, registering (the API's rules explained before sending) and renaming yourself. */
import { login } from './api.ts';
import { h } from './dom.ts';
import { register, renameMe } from './forum-api.ts';
import { rememberName } from './names.ts';
import { navigate } from './router.ts';
import { saveSession, sessionFromToken } from './session.ts';
import { app, messageOf, state } from './state.ts';
import { checkAll, heading, ruledField } from './ui.ts';

async function signInAs(username: string, password: string) {
  const answer = await login(username, password);
  const session = sessionFromToken(answer.accessToken, answer.expiresIn);
  saveSession(session);
  state.beginSession(session);
}

/** The sign-in form; `afterwards` runs once signed in (by default: back to the topics). */
export function renderSignIn(options: { message?: string; afterwards?: () => void } = {}) {
  const error = h('p', { id: 'sign-in-error', class: 'error', role: 'alert' }, options.message ?? '');
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
    { id: 'sign-in', class: 'card narrow', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', tabindex: -1 }, 'Sign in'),
    h('label', { for: 'username' }, 'Username'),
    username,
    h('label', { for: 'password' }, 'Password'),
    password,
    submit,
    error,
    h('p', {}, 'New here? ', h('a', { href: '/register' }, 'Register')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      await signInAs(username.value.trim(), password.value);
      (options.afterwards ?? (() => navigate('/')))();
    } catch (failure) {
      error.textContent = messageOf(failure);
      submit.disabled = false;
      password.select();
    }
  });
  app.className = 'single';
  app.replaceChildren(form);
  username.focus();
}

export function renderRegister() {
  const username = ruledField('new-username', 'Username', 'username', { autocomplete: 'username' });
  const displayName = ruledField('new-display-name', 'Display name', 'displayName', { autocomplete: 'nickname' });
  const password = ruledField('new-password', 'Password', 'password', {
    type: 'password',
    autocomplete: 'new-password',
  });
  const fields = [username, displayName, password];
  const error = h('p', { id: 'register-error', class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Register');
  const form = h(
    'form',
    { id: 'register', class: 'card narrow', 'aria-labelledby': 'view-title', novalidate: true },
    heading('Register'),
    ...fields.map((field) => field.wrap),
    submit,
    error,
    h('p', {}, 'Already a member? ', h('a', { href: '/sign-in' }, 'Sign in')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    if (!checkAll(fields)) return;
    submit.disabled = true;
    try {
      await register(username.input.value, password.input.value, displayName.input.value);
    } catch (failure) {
      submit.disabled = false;
      if ((failure as { status?: number }).status === 409) {
        username.fail('That username is taken: choose another.');
        username.input.focus();
      } else error.textContent = messageOf(failure);
      return;
    }
    try {
      await signInAs(username.input.value, password.input.value);
      navigate('/');
    } catch (failure) {
      error.textContent = `You are registered, but signing in failed: ${messageOf(failure)}`;
      submit.disabled = false;
    }
  });
  app.className = 'single';
  app.replaceChildren(form);
}

export function renderAccount() {
  const session = state.session;
  if (!session) {
    renderSignIn({ afterwards: () => navigate('/account', { replace: true }) });
    return;
  }
  const name = ruledField('display-name', 'Display name', 'displayName', { value: session.name });
  const status = h('p', { id: 'rename-status', role: 'status' });
  const submit = h('button', { type: 'submit' }, 'Save name');
  const form = h('form', { id: 'rename', class: 'stack', novalidate: true }, name.wrap, submit, status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    if (!checkAll([name])) return;
    submit.disabled = true;
    try {
      const user = await renameMe(session.token, name.input.value);
      const renamed = { ...session, name: user.displayName };
      saveSession(renamed);
      rememberName(user.userId, user.displayName);
      state.beginSession(renamed);
      status.textContent = `Your name is now ${user.displayName}. Your messages show it too.`;
    } catch (failure) {
      name.fail(messageOf(failure));
    }
    submit.disabled = false;
  });
  app.className = 'single';
  app.replaceChildren(
    h(
      'section',
      { class: 'card narrow', 'aria-labelledby': 'view-title' },
      heading('Your account'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Username'),
        h('dd', {}, session.username),
        h('dt', {}, 'Roles'),
        h('dd', {}, session.roles.length > 0 ? session.roles.join(', ') : 'member'),
      ),
      h('p', {}, h('a', { href: `/users/${encodeURIComponent(session.userId)}` }, 'Your messages')),
      form,
    ),
  );
}
