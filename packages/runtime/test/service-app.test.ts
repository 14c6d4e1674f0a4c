import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { capturedLogger, provision } from '@agora/tools/testing/testing';
import { createServiceApp } from '../src/service-app.ts';

describe("a service's app", async () => {
  const deployment = await provision('service-app');
  const config = {
    CORS_ORIGINS: '',
    BODY_LIMIT_BYTES: 65536,
    RATE_LIMIT_PER_MINUTE: 100,
    RATE_LIMITS_TABLE: deployment.env.RATE_LIMITS_TABLE as string,
  };

  async function serviceApp(readinessTables: string[]) {
    const app = await createServiceApp({
      config,
      logger: capturedLogger('test').logger,
      dynamo: deployment.clients.dynamo,
      documents: deployment.clients.documents,
      service: 'test',
      readinessTables,
      openApi: { title: 'Agora test', description: 'A fixture' },
    });
    after(() => app.close());
    return app;
  }

  it('is ready when every one of its tables is reachable, and not when one is missing', async () => {
    const tables = [deployment.env.USERS_TABLE, deployment.env.TOPICS_TABLE] as string[];
    assert.equal((await (await serviceApp(tables)).inject('/ready')).statusCode, 200);
    const missing = await (await serviceApp([...tables, `${deployment.prefix}-no-such-table`])).inject('/ready');
    assert.equal(missing.statusCode, 503);
    assert.match(String(missing.headers['content-type']), /problem\+json/);
  });

  it('serves its OpenAPI document under its title', async () => {
    const response = await (await serviceApp([])).inject('/openapi.json');
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().info.title, 'Agora test');
  });
});
