/**
 * What every browser test file of the web app starts with: the built page, the launcher's real
 * topology (emulator, every service and a worker, the gateway serving the build as CloudFront
 * would) under a prefix of its own, stopped after the file; members made through the API, with
 * roles granted as an operator grants them (the users table); and the check that a page
 * requested nothing outside the system.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { emulatorClients } from '@agora/tools/local/emulator-clients';
import { startSystem } from '@agora/tools/local/launcher';
import { emulatorEndpoint, uniquePrefix } from '@agora/tools/testing/testing';
import { createUsersRepo } from '@agora/users/users-repo';
import { ensureDashboardBuilt } from '../src/build.ts';
import type { Browser } from './browser.ts';

export const password = 'correct horse battery';

export async function startWebSystem(name: string, serviceEnv: Readonly<Record<string, string>>) {
  await ensureDashboardBuilt();
  await emulatorEndpoint();
  const system = await startSystem({
    prefix: uniquePrefix(name),
    gatewayPort: 0,
    logLevel: 'warn',
    workers: 1,
    serviceEnv,
  });
  const clients = emulatorClients(system.endpoint);
  /** after the file; called by hand when a top-level step fails (after() runs only once tests start) */
  async function stop() {
    clients.destroy();
    await system.stop();
  }
  after(stop);
  const origin = system.gatewayUrl;

  /** A request through the gateway that must succeed; its JSON answer. */
  async function api<T>(path: string, options: { method?: string; token?: string; body?: unknown } = {}) {
    const response = await fetch(`${origin}${path}`, {
      method: options.method ?? 'GET',
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${options.method ?? 'GET'} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** A member registered through the API (password `password`), holding `roles`. */
  async function register(username: string, displayName: string, roles: readonly string[] = []) {
    const { userId } = await api<{ userId: string }>('/api/users', {
      method: 'POST',
      body: { username, password, displayName },
    });
    const users = createUsersRepo(clients.documents, system.deployment.env.USERS_TABLE as string);
    for (const role of roles) await users.setRole(userId, role, true);
    return { userId };
  }

  function assertStayedHome(browser: Browser) {
    const elsewhere = browser.requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));
    assert.deepEqual(elsewhere, [], 'the page requested nothing outside the system');
  }

  return { system, clients, origin, api, register, assertStayedHome, stop };
}
