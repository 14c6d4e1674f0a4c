/**
 * The web app in Chromium against the launcher's real topology (emulator, every service, the
 * gateway serving the build as CloudFront would): a visitor reads topics and a topic, registers,
 * posts, sees another browser's message arrive live, edits and deletes their own message, cannot
 * edit another's, renames themself and sees the new name on their old messages; a manager
 * switches to the inventory section and uploads a file. axe-core checks every view; each view is
 * saved wide and at 375 px in test-results/screenshots/web-*.png (git-ignored).
 * One Chromium for the file, one context per person.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldRules } from '@agora/catalogue';
import { until } from '@agora/tools/wait';
import type { Page } from 'playwright-core';
import { accessibilityViolations, type Browser, launchChromium } from './browser.ts';
import { password, startWebSystem } from './web-system.ts';

const { origin, api, register, assertStayedHome, stop } = await startWebSystem('web', {
  LOGIN_ATTEMPTS_PER_MINUTE: '100',
  LOGIN_ATTEMPTS_PER_CLIENT_PER_MINUTE: '100',
});

/** A member with a session: registered, holding `roles`, signed in through the API. */
async function member(username: string, displayName: string, roles: string[] = []) {
  const { userId } = await register(username, displayName, roles);
  const { accessToken } = await api<{ accessToken: string }>('/api/auth/login', {
    method: 'POST',
    body: { username, password },
  });
  return { userId, token: accessToken };
}

/** Every view, wide and narrow: no axe violation, nothing wider than a phone, and a screenshot of each. */
async function checkView(browser: Browser, name: string) {
  const { page } = browser;
  assert.deepEqual(await accessibilityViolations(page), [], `${name} passes axe (WCAG 2.1 A, AA)`);
  await browser.screenshot(`web-${name}-wide`);
  const wide = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.setViewportSize({ width: 375, height: 812 });
  const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
  assert.ok(overflow <= 0, `${name} is ${overflow} px wider than a 375 px screen`);
  assert.deepEqual(await accessibilityViolations(page), [], `${name} at 375 px passes axe`);
  await browser.screenshot(`web-${name}-375px`);
  await page.setViewportSize(wide);
}

const messageItem = (page: Page, text: string) => page.locator('#messages li.message', { hasText: text });
const topicItem = (page: Page, title: string) =>
  page.locator('#topic-list li.topic', { has: page.getByRole('link', { name: title, exact: true }) });

const threadLength = 23;
// A hostile and a very long message: shown as text, wrapped.
const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script> **not markdown**';
const longWord = 'Supercalifragilistic'.repeat(20);
const otherTopics = 21;

/** The forum as the seed tells it: Ada started a topic with a long thread, and many more topics. */
async function seedForum() {
  const ada = await member(`ada_${Date.now()}`, 'Ada Lovelace', ['inventory-manager']);
  const welcome = await api<{ topicId: string }>('/api/topics', {
    method: 'POST',
    token: ada.token,
    body: { title: 'Welcome to Agora' },
  });
  for (let n = 1; n <= threadLength; n++) {
    await api(`/api/topics/${welcome.topicId}/messages`, {
      method: 'POST',
      token: ada.token,
      body: { body: `Thread message ${String(n).padStart(2, '0')}` },
    });
  }
  await api(`/api/topics/${welcome.topicId}/messages`, {
    method: 'POST',
    token: ada.token,
    body: { body: `${hostile}\n${longWord}` },
  });
  const sideTopicIds: string[] = [];
  for (let n = 1; n <= otherTopics; n++) {
    const side = await api<{ topicId: string }>('/api/topics', {
      method: 'POST',
      token: ada.token,
      body: { title: `Side topic ${n}` },
    });
    sideTopicIds.push(side.topicId);
  }
  // The topics service counts messages from their events: wait until the counts are in.
  let counted = 0;
  await until(
    async () => {
      counted = (await api<{ messageCount: number }>(`/api/topics/${welcome.topicId}`)).messageCount;
      return counted === threadLength + 1;
    },
    'the topic to count its messages',
    60_000,
    100,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (${counted} of ${threadLength + 1} counted)`);
  });
  return { ada, welcome, sideTopicId: sideTopicIds[0] as string };
}

// A failed seed must not leave the system running: the after() hooks only run once tests start.
const { ada, welcome, sideTopicId } = await seedForum().catch(async (error: unknown) => {
  await stop();
  throw error;
});
const chromium = await launchChromium();

describe('the forum in the browser', () => {
  const username = `bea_${Date.now()}`;
  let bea: Browser;

  it('lets a visitor read the topics, paged, and a topic, oldest first, paged', async () => {
    const visitor = await chromium.context();
    const { page } = visitor;
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor();
    await page.evaluate('window.sameLoad = true');
    // Newest activity first: the last side topic was created after the welcome thread's messages.
    await topicItem(page, `Side topic ${otherTopics}`).waitFor();
    assert.equal(await page.locator('#topic-list li.topic').count(), 20, 'the first page of topics');
    const firstPageAsks = visitor.requests.filter((url) => url === `${origin}/api/topics?limit=20`);
    assert.equal(firstPageAsks.length, 1, 'the first page came from the preload, asked once');
    assert.equal(await page.locator('#topic-list li.topic a.title').first().textContent(), `Side topic ${otherTopics}`);
    await page.getByRole('button', { name: 'More topics' }).click();
    await topicItem(page, 'Welcome to Agora').waitFor();
    assert.equal(await page.locator('#topic-list li.topic').count(), otherTopics + 1);
    assert.equal(await page.getByRole('button', { name: 'More topics' }).isHidden(), true, 'the last page');
    const welcomeItem = topicItem(page, 'Welcome to Agora');
    await welcomeItem.getByText(`${threadLength + 1} messages`).waitFor();
    await welcomeItem.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    await page.getByText('Sign in or register to start a topic or reply.').waitFor();
    await checkView(visitor, 'topics');

    // By keyboard: Enter on the link opens the topic, and focus moves to its heading.
    await welcomeItem.getByRole('link', { name: 'Welcome to Agora' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Welcome to Agora', level: 1 }).waitFor();
    assert.equal(await page.evaluate('document.activeElement.id'), 'view-title');
    assert.equal(new URL(page.url()).pathname, `/topics/${welcome.topicId}`);
    await messageItem(page, 'Thread message 01').waitFor();
    assert.equal(await page.locator('#messages li.message').count(), 20);
    await page.getByRole('button', { name: 'Later messages' }).click();
    await messageItem(page, longWord).waitFor();
    const bodies = await page.locator('#messages li.message .body').allTextContents();
    assert.equal(bodies.length, threadLength + 1);
    assert.deepEqual(
      bodies.slice(0, threadLength),
      Array.from({ length: threadLength }, (_, n) => `Thread message ${String(n + 1).padStart(2, '0')}`),
      'oldest first, each once, across pages',
    );
    // User text is text: the markup shows as typed, runs nothing, and the long word wraps.
    assert.equal(bodies.at(-1), `${hostile}\n${longWord}`);
    assert.equal(await page.locator('#messages img, #messages script').count(), 0);
    assert.equal(await page.evaluate('window.pwned'), undefined);
    assert.equal(await page.locator('#messages button').count(), 0, 'a visitor gets no edit or delete controls');
    assert.equal(await page.evaluate('window.sameLoad'), true, 'paging and navigating did not reload the page');
    await checkView(visitor, 'topic');

    // The author's page: their messages, newest first.
    await messageItem(page, 'Thread message 01').getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
    await page.locator('#user-messages li').first().getByText(longWord).waitFor();
    await page.locator('#user-messages li').first().getByRole('link', { name: 'Welcome to Agora' }).waitFor();
    await checkView(visitor, 'author');

    // Back returns to the topic (history API), and an unknown address says so.
    await page.goBack();
    await page.getByRole('heading', { name: 'Welcome to Agora', level: 1 }).waitFor();
    await page.goto(`${origin}/no/such/page`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    assertStayedHome(visitor);
    await visitor.context.close();
  });

  it('registers a visitor with the rules explained before sending, and signs them in', async () => {
    bea = await chromium.context();
    const { page } = bea;
    await page.goto(`${origin}/`);
    await page.getByRole('link', { name: 'Register', exact: true }).click();
    await page.getByRole('heading', { name: 'Register' }).waitFor();
    // The rules are the API's own (the catalogue's), beside each field.
    const rules = fieldRules.username;
    await page.getByText(`${rules.minLength} to ${rules.maxLength} characters: ${rules.description}.`).waitFor();
    await page.getByText(`${fieldRules.password.minLength} to ${fieldRules.password.maxLength} characters`).waitFor();
    await checkView(bea, 'register');

    // Broken input is explained on the field and never sent.
    await page.getByLabel('Username').fill('b!');
    await page.getByLabel('Display name').fill(' Bea');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.locator('#new-username-error').getByText(`At least ${rules.minLength} characters`).waitFor();
    await page.locator('#new-display-name-error').getByText('does not follow the rule').waitFor();
    await page.locator('#new-password-error').getByText(`At least ${fieldRules.password.minLength}`).waitFor();
    assert.equal(await page.getByLabel('Username').getAttribute('aria-invalid'), 'true');
    assert.ok(!bea.requests.some((url) => url.endsWith('/api/users')), 'nothing was sent');
    await checkView(bea, 'register-problems');

    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Display name').fill('Bea');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByText('Signed in as Bea').waitFor();
    await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Start a topic' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Inventory' }).count(), 0, 'a member has no inventory section');
  });

  it('posts, and a second browser sees the new message arrive live', async () => {
    const { page } = bea;
    await page.goto(`${origin}/topics/${welcome.topicId}`);
    await page.getByRole('heading', { name: 'Welcome to Agora', level: 1 }).waitFor();

    const reader = await chromium.context({ width: 375, height: 812 });
    await reader.page.goto(`${origin}/topics/${welcome.topicId}`);
    await reader.page.getByRole('button', { name: 'Later messages' }).click();
    await messageItem(reader.page, longWord).waitFor();
    await reader.page.evaluate('window.sameLoad = true');
    // The reader's feed is open (the server subscribes before it answers): from here nothing is missed.
    await reader.page.locator('#live[data-state="live"]').waitFor();

    await page.getByRole('button', { name: 'Later messages' }).click();
    await page.getByLabel('Your message').fill('Hello from Bea');
    await page.getByRole('button', { name: 'Post message' }).click();
    const mine = messageItem(page, 'Hello from Bea');
    await mine.getByRole('link', { name: 'Bea' }).waitFor();
    assert.equal(
      await page
        .locator('#messages li.message')
        .last()
        .textContent()
        .then((text) => text?.includes('Hello from Bea')),
      true,
    );
    await checkView(bea, 'topic-member');

    await messageItem(reader.page, 'Hello from Bea').waitFor({ timeout: 15_000 });
    assert.equal(await reader.page.evaluate('window.sameLoad'), true, 'it arrived without a reload');
    await reader.screenshot('web-topic-live-375px');
    // A topic started elsewhere appears at the top of an open topics list.
    await reader.page.getByRole('link', { name: '← All topics' }).click();
    await topicItem(reader.page, `Side topic ${otherTopics}`).waitFor();
    await api('/api/topics', { method: 'POST', token: ada.token, body: { title: 'Breaking: live topics' } });
    await topicItem(reader.page, 'Breaking: live topics').waitFor({ timeout: 15_000 });
    assert.match(
      (await reader.page.locator('#topic-list li.topic').first().textContent()) ?? '',
      /Breaking: live topics/,
    );
    await reader.context.close();
  });

  it("edits and deletes their own message, and gets no controls on another's", async () => {
    const { page } = bea;
    const mine = messageItem(page, 'Hello from Bea');
    await mine.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Edit your message').fill('Hello again from Bea');
    await checkView(bea, 'edit-message');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const edited = messageItem(page, 'Hello again from Bea');
    await edited.getByText('(edited)').waitFor();

    // Ada's messages carry no controls for Bea, and the API would refuse anyway.
    const adas = messageItem(page, 'Thread message 01');
    assert.equal(await adas.getByRole('button').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Edit title' }).count(), 0, "nor on Ada's topic");
    const messageId = await adas.getAttribute('data-message-id');
    const token = (await page.evaluate('JSON.parse(sessionStorage.getItem("agora.session")).token')) as string;
    const refused = await fetch(`${origin}/api/messages/${messageId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'hijacked' }),
    });
    assert.equal(refused.status, 403);

    // A second message, then deleted (after the confirmation).
    await page.getByLabel('Your message').fill('A message to take back');
    await page.getByRole('button', { name: 'Post message' }).click();
    const doomed = messageItem(page, 'A message to take back');
    await doomed.waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await doomed.getByRole('button', { name: 'Delete' }).click();
    await doomed.waitFor({ state: 'detached' });
    const remaining = await api<{ items: { body: string }[]; nextCursor?: string }>(
      `/api/users/${await edited.getAttribute('data-author-id')}/messages`,
    );
    assert.deepEqual(
      remaining.items.map((message) => message.body),
      ['Hello again from Bea'],
      'the API agrees',
    );
  });

  it('renames them, and their old messages show the new name', async () => {
    const { page } = bea;
    await page.getByRole('link', { name: 'Signed in as Bea' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await checkView(bea, 'account');
    await page.getByLabel('Display name').fill('Beatrice');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByText('Your name is now Beatrice.').waitFor();
    await page.getByText('Signed in as Beatrice').waitFor();
    // The messages service learns the new name from the user.renamed event: wait until it answers it.
    const userId = (await page.evaluate('JSON.parse(sessionStorage.getItem("agora.session")).userId')) as string;
    await until(
      async () =>
        (await api<{ items: { authorName: string }[] }>(`/api/users/${userId}/messages`)).items.every(
          (message) => message.authorName === 'Beatrice',
        ),
      'the messages service to show the new name',
      30_000,
      100,
    );
    await page.goBack();
    await page.getByRole('heading', { name: 'Welcome to Agora', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Later messages' }).click();
    await messageItem(page, 'Hello again from Bea').getByRole('link', { name: 'Beatrice' }).waitFor();

    // Signing out leaves nothing behind.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    assert.equal(await page.evaluate('sessionStorage.length'), 0);
    assertStayedHome(bea);
    await bea.context.close();
  });

  it('lets a manager switch to the inventory section with the same sign-in and upload a file', async () => {
    const manager = await chromium.context();
    const { page } = manager;
    await page.goto(`${origin}/sign-in`);
    await checkView(manager, 'sign-in');
    const username = (await api<{ username: string }>(`/api/users/${ada.userId}`)).username;
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as Ada Lovelace').waitFor();
    await page.getByRole('link', { name: 'Inventory' }).click();
    await page.getByRole('heading', { name: 'Inventory', level: 1 }).waitFor();
    await page.locator('#stock-live[data-state="live"]').waitFor();
    await page.getByLabel('CSV files (store,item,count)').setInputFiles({
      name: 'lisbon.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('store,item,count\nLisbon,Kindle,3\nLisbon,Echo Dot,0\n'),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page
      .locator('li.upload[data-file="lisbon.csv"]')
      .getByText('Done: 2 rows accepted, 0 rejected')
      .waitFor({ timeout: 30_000 });
    await page.locator('#stock-rows tr[data-item="Echo Dot"]').getByText('Out of stock').waitFor();
    await checkView(manager, 'inventory');
    // Back to the forum in the same tab, still signed in.
    await page.getByRole('link', { name: 'Agora', exact: true }).click();
    await page.getByRole('heading', { name: 'Start a topic' }).waitFor();

    // Her own topic: retitle it, then delete it (after the confirmation); the list no longer has it.
    await page.goto(`${origin}/topics/${sideTopicId}`);
    await page.getByRole('button', { name: 'Edit title' }).click();
    await page.getByLabel('New title').fill('Side topic, retitled');
    await page.getByRole('button', { name: 'Save title' }).click();
    await page.getByRole('heading', { name: 'Side topic, retitled', level: 1 }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete topic' }).click();
    await page.getByRole('heading', { name: 'Topics', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'More topics' }).click();
    await topicItem(page, 'Welcome to Agora').waitFor();
    assert.equal(await topicItem(page, 'Side topic, retitled').count(), 0);
    assert.equal((await fetch(`${origin}/api/topics/${sideTopicId}`)).status, 404);
    assertStayedHome(manager);
    await manager.context.close();
  });
});
