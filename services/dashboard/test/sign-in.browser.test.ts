/**
 * The dashboard in Chromium against the launcher's real topology (emulator, users service,
 * gateway): signing in and out, error messages, keyboard use, a 375 px wide screen, and no
 * request leaving the system.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSystem } from '@agora/tools/launcher';
import { emulatorEndpoint, uniquePrefix } from '@agora/tools/testing';
import { ensureDashboardBuilt } from '../src/build.ts';
import { type Browser, openBrowser, servePageIfNotRouted } from './browser.ts';

const { distDir } = await ensureDashboardBuilt();
await emulatorEndpoint();
const system = await startSystem({ prefix: uniquePrefix('dash'), gatewayPort: 0, logLevel: 'warn' });
after(() => system.stop());
const origin = system.gatewayUrl;

async function register(username: string, displayName: string) {
  const response = await fetch(`${origin}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse battery', displayName }),
  });
  assert.equal(response.status, 201, await response.text());
}

async function browserAt(options: { width?: number; height?: number } = {}) {
  const browser = await openBrowser(options);
  await servePageIfNotRouted(browser.context, origin, distDir);
  await browser.page.goto(`${origin}/`);
  return browser;
}

function assertStayedHome(browser: Browser) {
  const elsewhere = browser.requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));
  assert.deepEqual(elsewhere, [], 'the page requested nothing outside the system');
}

describe('signing in to the dashboard', () => {
  const username = `manager_${Date.now()}`;
  before(() => register(username, 'Mia Manager'));

  it('says clearly when the password is wrong, and signs in from the keyboard', async () => {
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

    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Password').press('Enter');
    await page.getByText('Signed in as Mia Manager').waitFor();
    for (const name of ['Upload stock files', 'Stock', 'Recent alerts']) {
      await page.getByRole('heading', { name, exact: true }).waitFor();
    }
    await page.getByLabel('CSV files (store,item,count)').waitFor();
    await page.getByLabel('Store', { exact: true }).waitFor();
    await page.getByLabel('Search items').waitFor();
    await page.getByText('Uploading needs the inventory-manager role').waitFor();
    await browser.screenshot('dashboard-signed-in');

    // A reload keeps the session (sessionStorage); signing out ends it.
    await page.reload();
    await page.getByText('Signed in as Mia Manager').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'no token left behind');
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assertStayedHome(browser);
  });

  it('shows the validation problem the API answers', async () => {
    const browser = await browserAt();
    const { page } = browser;
    // Past the form's own maxlength-free fields: a username longer than the API accepts.
    await page.getByLabel('Username').fill('x'.repeat(80));
    await page.getByLabel('Password').fill('whatever');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .locator('#sign-in-error')
      .getByText(/does not match the schema.*username/)
      .waitFor();
  });

  it('fits a 375 px wide screen without sideways scrolling', async () => {
    const browser = await browserAt({ width: 375, height: 812 });
    const { page } = browser;
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as Mia Manager').waitFor();
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    await browser.screenshot('dashboard-375px');
    assertStayedHome(browser);
  });
});
