/** Builds the users app against the emulator with fresh resources, for one test file. */
import { after } from 'node:test';
import { loadConfig } from '@agora/runtime/config';
import { snsEventPublisher } from '@agora/runtime/events';
import { generateSigningKeyPem } from '@agora/tools/local/dev-key';
import { capturedLogger, provision, type TestDeployment } from '@agora/tools/testing/testing';
import type { SNSClient } from '@aws-sdk/client-sns';
import { buildApp } from '../src/app.ts';
import { usersConfigSchema } from '../src/config.ts';

export async function usersApp(
  overrides: Record<string, string> = {},
  injected: { sns?: SNSClient; deployment?: TestDeployment; signingKeyPem?: string } = {},
) {
  // A second app on the same deployment and key is a second task of the same service.
  const deployment = injected.deployment ?? (await provision('users'));
  const config = loadConfig(usersConfigSchema, {
    ...deployment.env,
    AWS_ENDPOINT_URL: deployment.endpoint,
    JWT_PRIVATE_KEY: injected.signingKeyPem ?? generateSigningKeyPem(),
    ...overrides,
  });
  const logs = capturedLogger('users');
  const app = await buildApp({
    config,
    logger: logs.logger,
    dynamo: deployment.clients.dynamo,
    documents: deployment.clients.documents,
    events: snsEventPublisher(injected.sns ?? deployment.clients.sns, config.FORUM_EVENTS_TOPIC_ARN),
  });
  after(() => app.close());
  return { app, deployment, logs, config };
}

export type UsersApp = Awaited<ReturnType<typeof usersApp>>;

let counter = 0;
/** A client address of its own, so tests don't trip each other's per-client limits. */
export function uniqueAddress(): string {
  counter += 1;
  return `10.${counter % 250}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
}

export function uniqueUsername(label = 'user'): string {
  counter += 1;
  return `${label}_${process.pid}_${counter}`.slice(0, 32);
}

export async function register(app: UsersApp['app'], username = uniqueUsername(), displayName = 'Ada Lovelace') {
  const response = await app.inject({
    method: 'POST',
    url: '/api/users',
    remoteAddress: uniqueAddress(),
    payload: { username, password: 'correct horse battery', displayName },
  });
  if (response.statusCode !== 201) throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  return { ...(response.json() as { userId: string; username: string }), password: 'correct horse battery' };
}

export async function login(app: UsersApp['app'], username: string, password = 'correct horse battery') {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: uniqueAddress(),
    payload: { username, password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return (response.json() as { accessToken: string }).accessToken;
}
