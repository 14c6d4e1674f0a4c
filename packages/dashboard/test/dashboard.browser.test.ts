/**
 * The inventory section of the web app (/inventory) in Chromium against the launcher's real
 * topology (emulator, users service, inventory service and worker, gateway), as a store manager uses it: sign in, upload files,
 * watch them load, see stock, alerts and rejected rows, and see counts change live when a file
 * is dropped straight into the bucket. Screenshots go to test-results/screenshots.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { until } from '@agora/tools/wait';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { accessibilityViolations, openBrowser } from './browser.ts';
import { password, startWebSystem } from './web-system.ts';

// A small upload limit, so a test can show what the page says about a file that is too large.
const uploadLimitBytes = 256 * 1024;
// Every browser here signs in from the same address: room for all of them in a minute.
const { system, clients, origin, register, assertStayedHome } = await startWebSystem('dash', {
  UPLOAD_LIMIT_BYTES: String(uploadLimitBytes),
  LOGIN_ATTEMPTS_PER_MINUTE: '100',
});

async function browserAt(options: { width?: number; height?: number } = {}) {
  const browser = await openBrowser(options);
  await browser.page.goto(`${origin}/inventory`);
  return browser;
}

async function signIn(page: Page, username: string, name: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
}

const uploadOf = (page: Page, file: string) => page.locator(`li.upload[data-file="${file}"]`);
const stockRow = (page: Page, item: string) => page.locator(`#stock-rows tr[data-item="${item}"]`);

describe('signing in to the dashboard', () => {
  const username = `clerk_${Date.now()}`;
  before(() => register(username, 'Colin Clerk'));

  it('is served through the gateway at / with its own assets only', async () => {
    const page = await fetch(`${origin}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  });

  it('says clearly when the password is wrong, and signs in and out from the keyboard', async () => {
    const browser = await browserAt();
    const { page } = browser;
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // Focus starts in the username field; Tab moves on; Enter submits.
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    const error = page.locator('#sign-in-error');
    await error.getByText('Unknown username or wrong password.').waitFor();
    assert.equal(await error.getAttribute('role'), 'alert');
    await browser.screenshot('dashboard-sign-in-error');
    assert.deepEqual(await accessibilityViolations(page), [], 'the sign-in form passes axe (WCAG 2.1 A, AA)');
    // The check can fail: a field without a label is reported.
    await page.evaluate(`document.body.append(Object.assign(document.createElement('input'), { id: 'unlabelled' }))`);
    assert.ok((await accessibilityViolations(page)).some((violation) => violation.rule === 'label'));
    await page.evaluate(`document.getElementById('unlabelled').remove()`);

    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Password').press('Enter');
    await page.getByText('Signed in as Colin Clerk').waitFor();
    for (const name of ['Upload stock files', 'Stock', 'Recent alerts']) {
      await page.getByRole('heading', { name, exact: true }).waitFor();
    }
    await page.getByLabel('CSV files (store,item,count)').waitFor();
    await page.getByLabel('Store', { exact: true }).waitFor();
    await page.getByLabel('Search items').waitFor();
    await page.locator('#stock-live[data-state="live"]').getByText('Live').waitFor();
    await browser.screenshot('dashboard-signed-in');

    // A reload keeps the session (sessionStorage); signing out, by keyboard, ends it.
    await page.reload();
    await page.getByText('Signed in as Colin Clerk').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('You are signed out.').waitFor();
    assert.equal(await page.evaluate('sessionStorage.length'), 0, 'no token left behind');
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assertStayedHome(browser);
  });

  it('shows the validation problem the API answers', async () => {
    const { page } = await browserAt();
    await page.getByLabel('Username').fill('x'.repeat(80));
    await page.getByLabel('Password').fill('whatever');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .locator('#sign-in-error')
      .getByText(/does not match the schema.*username/)
      .waitFor();
  });

  it('tells a user without the inventory-manager role why the upload was refused', async () => {
    const browser = await browserAt();
    const { page } = browser;
    await signIn(page, username, 'Colin Clerk');
    await page.getByText('Uploading needs the inventory-manager role').waitFor();
    await page.getByLabel('CSV files (store,item,count)').setInputFiles({
      name: 'paris.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('store,item,count\nParis,Kindle,3\n'),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await uploadOf(page, 'paris.csv').getByText('Failed: This needs the "inventory-manager" role.').waitFor();
    await browser.screenshot('dashboard-upload-refused');
  });

  it('fits a 375 px wide screen without sideways scrolling', async () => {
    const browser = await browserAt({ width: 375, height: 812 });
    const { page } = browser;
    await signIn(page, username, 'Colin Clerk');
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    await browser.screenshot('dashboard-375px');
    assert.deepEqual(await accessibilityViolations(page), [], 'the narrow page passes axe');
    assertStayedHome(browser);
  });
});

describe('a store manager at work', () => {
  const username = `manager_${Date.now()}`;
  before(() => register(username, 'Mia Manager', ['inventory-manager']));

  it('uploads files, watches them load, sees stock, alerts and rejected rows, and live changes', async (t) => {
    const browser = await browserAt();
    const { page } = browser;
    await signIn(page, username, 'Mia Manager');
    await page.locator('#stock-live[data-state="live"]').getByText('Live').waitFor();
    // Marks this page load: if the page reloaded, the mark would be gone.
    await page.evaluate('window.sameLoad = true');

    // The seed's Berlin file, through the file picker.
    const picker = page.getByLabel('CSV files (store,item,count)');
    await picker.setInputFiles({
      name: 'berlin.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('store,item,count\nBerlin,Echo Dot,12\nBerlin,Echo Plus,0\nBerlin,Echo Show,4\n'),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    const berlin = uploadOf(page, 'berlin.csv');
    const progress = page.getByRole('progressbar', { name: 'Upload of berlin.csv' });
    await page.locator('progress[aria-label="Upload of berlin.csv"][value="100"]').waitFor();
    assert.equal(await progress.getAttribute('value'), '100');
    await berlin.getByText('100%', { exact: true }).waitFor();
    await berlin.getByText('Done: 3 rows accepted, 0 rejected').waitFor({ timeout: 30_000 });

    // The stock table: Berlin picked, Echo Plus out of stock, totals; its alert.
    await page.getByRole('combobox', { name: 'Store' }).locator('option', { hasText: 'Berlin' }).waitFor({
      state: 'attached',
    });
    const echoPlus = stockRow(page, 'Echo Plus');
    await echoPlus.getByText('Out of stock').waitFor();
    assert.match((await echoPlus.getAttribute('class')) ?? '', /\bout\b/);
    assert.equal(await stockRow(page, 'Echo Dot').getByText('Out of stock').count(), 0);
    await page.locator('#totals').getByText('3 items · 16 units in stock · 1 out of stock').waitFor();
    await page.locator('#alerts li.out-of-stock').getByText('Berlin is out of stock of Echo Plus').waitFor();
    await browser.screenshot('dashboard-berlin-uploaded');

    // Search and sort.
    await page.getByLabel('Search items').fill('show');
    assert.deepEqual(await page.locator('#stock-rows tr').evaluateAll((rows) => rows.map((r) => r.dataset.item)), [
      'Echo Show',
    ]);
    await page.getByLabel('Search items').fill('');
    await page.getByRole('button', { name: 'Count', exact: true }).click();
    await page.locator('th[data-sort="count"][aria-sort="descending"]').waitFor();
    assert.deepEqual(await page.locator('#stock-rows tr').evaluateAll((rows) => rows.map((r) => r.dataset.item)), [
      'Echo Dot',
      'Echo Show',
      'Echo Plus',
    ]);

    // A file with bad rows: the good rows are kept, the bad ones listed with line and reason.
    await picker.setInputFiles({
      name: 'berlin-bad-rows.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('store,item,count\nBerlin,Echo Dot,lots\n,Kindle,3\nBerlin,Fire TV,5\n'),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    const bad = uploadOf(page, 'berlin-bad-rows.csv');
    await bad.getByText('Done: 1 row accepted, 2 rejected').waitFor({ timeout: 30_000 });
    const rejected = await bad
      .locator('table.rejected tbody tr')
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)));
    assert.equal(rejected.length, 2);
    assert.equal(rejected[0]?.[0], '2');
    assert.match(rejected[0]?.[1] ?? '', /count must be a whole number/);
    assert.equal(rejected[1]?.[0], '3');
    assert.match(rejected[1]?.[1] ?? '', /store is empty/);
    await stockRow(page, 'Fire TV').waitFor();
    await browser.screenshot('dashboard-rejected-rows');
    assert.deepEqual(await accessibilityViolations(page), [], 'the page with stock, alerts and uploads passes axe');

    // The Berlin file again: same counts, so no second alert.
    await picker.setInputFiles({
      name: 'berlin-again.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('store,item,count\nBerlin,Echo Dot,12\nBerlin,Echo Plus,0\nBerlin,Echo Show,4\n'),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await uploadOf(page, 'berlin-again.csv')
      .getByText('Done: 3 rows accepted, 0 rejected')
      .waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#alerts li', { hasText: 'Berlin is out of stock of Echo Plus' }).count(), 1);

    // Only the out-of-stock items, on request.
    await page.getByLabel('Out of stock only').check();
    assert.deepEqual(await page.locator('#stock-rows tr').evaluateAll((rows) => rows.map((r) => r.dataset.item)), [
      'Echo Plus',
    ]);
    await page.getByLabel('Out of stock only').uncheck();

    // A file dropped straight into the bucket (a store's own `aws s3 cp`): the open page
    // shows the new counts and the back-in-stock alert without a reload.
    const dropped = Date.now();
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: system.deployment.env.UPLOADS_BUCKET,
        Key: 'drops/berlin restock.csv',
        Body: 'store,item,count\nBerlin,Echo Plus,7\nBerlin,Echo Show,9\n',
        ContentType: 'text/csv',
      }),
    );
    // When the count is in the table (what the API answers), and when the page shows it.
    const inTable = (async () => {
      const token = (await page.evaluate('JSON.parse(sessionStorage.getItem("agora.session")).token')) as string;
      await until(
        async () => {
          const answer = await fetch(`${origin}/api/inventory/stores/Berlin/items?limit=100`, {
            headers: { authorization: `Bearer ${token}` },
          });
          const body = (await answer.json()) as { items: { item: string; count: number }[] };
          return body.items.some((row) => row.item === 'Echo Plus' && row.count === 7);
        },
        'the API to answer the new count of Echo Plus',
        30_000,
        50,
      );
      return Date.now();
    })();
    await stockRow(page, 'Echo Plus').locator('td.count').getByText('7', { exact: true }).waitFor({ timeout: 30_000 });
    const onPage = Date.now();
    const storedAt = await inTable;
    assert.equal(await stockRow(page, 'Echo Plus').getByText('Out of stock').count(), 0);
    await stockRow(page, 'Echo Show').locator('td.count').getByText('9', { exact: true }).waitFor();
    await page.locator('#alerts li.back-in-stock').getByText('Berlin has Echo Plus back in stock').waitFor();
    await page.locator('#totals').getByText('4 items · 33 units in stock · 0 out of stock').waitFor();
    assert.equal(await page.evaluate('window.sameLoad'), true, 'the page was not reloaded');
    assert.equal(await page.locator('#alerts li').count(), 2, 'one alert each way, no duplicate');
    t.diagnostic(
      `dropped file → page: ${onPage - dropped} ms; count readable from the API → page: ${Math.max(0, onPage - storedAt)} ms`,
    );
    await browser.screenshot('dashboard-live-update');
    assertStayedHome(browser);
  });

  it('uploads several files at once, each with its own progress, and explains a file that is too large', async () => {
    const browser = await browserAt();
    const { page } = browser;
    await signIn(page, username, 'Mia Manager');
    const manyRows = ['store,item,count', ...Array.from({ length: 1200 }, (_, n) => `Hamburg,Item ${n},${n % 50}`)];
    const tooLarge = Buffer.alloc(uploadLimitBytes + 128 * 1024, 'Hamburg,Filler,1\n');
    await page.getByLabel('CSV files (store,item,count)').setInputFiles([
      { name: 'hamburg.csv', mimeType: 'text/csv', buffer: Buffer.from(`${manyRows.join('\n')}\n`) },
      { name: 'munich.csv', mimeType: 'text/csv', buffer: Buffer.from('store,item,count\nMunich,Echo Dot,2\n') },
      { name: 'huge.csv', mimeType: 'text/csv', buffer: Buffer.concat([Buffer.from('store,item,count\n'), tooLarge]) },
    ]);
    await page.getByRole('button', { name: 'Upload' }).click();
    for (const name of ['hamburg.csv', 'munich.csv', 'huge.csv']) {
      await page.getByRole('progressbar', { name: `Upload of ${name}` }).waitFor();
    }
    await uploadOf(page, 'hamburg.csv').getByText('Done: 1,200 rows accepted, 0 rejected').waitFor({ timeout: 60_000 });
    await uploadOf(page, 'munich.csv').getByText('Done: 1 row accepted, 0 rejected').waitFor({ timeout: 30_000 });
    await uploadOf(page, 'huge.csv')
      .getByText(/^Failed: .*(limit|too large)/i)
      .waitFor();
    await page.getByRole('combobox', { name: 'Store' }).selectOption('Hamburg');
    await page
      .locator('#totals')
      .getByText(/^1,200 items · .* · 24 out of stock$/)
      .waitFor();
    // A long table shows its first rows and says how to find the others.
    await page.getByText('Showing 500 of 1,200 items: search to narrow.').waitFor();
    await page.getByLabel('Search items').fill('Item 1199');
    await stockRow(page, 'Item 1199').locator('td.count').getByText('49', { exact: true }).waitFor();
    await browser.screenshot('dashboard-several-files');
  });
});
