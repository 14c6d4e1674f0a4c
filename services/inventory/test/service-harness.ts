/** The inventory app (inject) on fresh resources, tokens from a real users app, and an in-process worker. */
import { after } from 'node:test';
import { loadConfig } from '@agora/runtime/config';
import { capturedLogger } from '@agora/tools/testing/testing';
import { createUsersRepo } from '@agora/users/users-repo';
import { login, register, usersApp } from '../../users/test/harness.ts';
import { buildApp } from '../src/app.ts';
import { inventoryConfigSchema } from '../src/config.ts';
import { createStockFeed } from '../src/stock-feed.ts';
import { inventoryDeployment, startWorker } from './worker-harness.ts';

export async function inventoryApp(overrides: Record<string, string> = {}) {
  const users = await usersApp();
  await users.app.listen({ port: 0, host: '127.0.0.1' });
  const address = users.app.server.address() as { port: number };
  const { deployment, alerts } = await inventoryDeployment();
  const config = loadConfig(inventoryConfigSchema, {
    ...deployment.env,
    AWS_ENDPOINT_URL: deployment.endpoint,
    JWKS_URL: `http://127.0.0.1:${address.port}/.well-known/jwks.json`,
    ...overrides,
  });
  const logger = capturedLogger('inventory').logger;
  const app = await buildApp({
    config,
    logger,
    dynamo: deployment.clients.dynamo,
    // not started: these tests make no live queue (feed.test.ts does)
    feed: createStockFeed({
      sqs: deployment.clients.sqs,
      sns: deployment.clients.sns,
      logger,
      topicArn: config.STOCK_CHANGES_TOPIC_ARN,
      queuePrefix: config.INVENTORY_LIVE_QUEUE_PREFIX,
    }),
    documents: deployment.clients.documents,
    s3: () => deployment.clients.s3,
  });
  after(() => app.close());

  const manager = await register(users.app);
  await createUsersRepo(users.deployment.clients.documents, users.config.USERS_TABLE).setRole(
    manager.userId,
    'inventory-manager',
    true,
  );
  const clerk = await register(users.app);
  const tokens = {
    manager: await login(users.app, manager.username),
    clerk: await login(users.app, clerk.username),
  };
  return { app, deployment, alerts, tokens, config, startWorker: () => startWorker(deployment) };
}

/** A multipart/form-data body with one file part. */
export function multipartFile(fileName: string, content: string | Buffer, field = 'file') {
  const boundary = `----agora${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    typeof content === 'string' ? Buffer.from(content) : content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
