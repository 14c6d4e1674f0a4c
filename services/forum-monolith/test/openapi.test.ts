/**
 * Each service's OpenAPI document (generated from its route schemas) covers every route, each
 * with its success and problem responses and the bearer scheme where a token is needed; the
 * monolith's document is exactly their union.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { buildApp as buildMessages } from '@agora/messages';
import type { App } from '@agora/runtime/http';
import { generateSigningKeyPem } from '@agora/tools/local/dev-key';
import { buildApp as buildTopics } from '@agora/topics';
import { createForumLiveFeed } from '@agora/topics/live';
import { buildApp as buildUsers } from '@agora/users';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { buildMonolith } from '../src/app.ts';
import type { MonolithConfig } from '../src/config.ts';

// Serving the document touches no AWS client and no table.
const unused = {} as DynamoDBClient & DynamoDBDocumentClient;
const config = {
  PORT: 0,
  HOST: '127.0.0.1',
  AWS_REGION: 'us-east-1',
  CORS_ORIGINS: '',
  BODY_LIMIT_BYTES: 65536,
  RATE_LIMIT_PER_MINUTE: 600,
  SHUTDOWN_TIMEOUT_MS: 1000,
  USERS_TABLE: 'users',
  TOPICS_TABLE: 'topics',
  MESSAGES_TABLE: 'messages',
  FORUM_EVENTS_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:forum',
  TOPICS_EVENTS_QUEUE_URL: 'http://127.0.0.1:1/topics',
  TOPICS_LIVE_QUEUE_PREFIX: 'agora-live-topics',
  MESSAGES_EVENTS_QUEUE_URL: 'http://127.0.0.1:1/messages',
  JWT_PRIVATE_KEY: generateSigningKeyPem(),
  JWT_ISSUER: 'agora-users',
  JWT_AUDIENCE: 'agora',
  JWKS_URL: 'http://127.0.0.1:1/.well-known/jwks.json',
  TOKEN_TTL_SECONDS: 900,
  RATE_LIMITS_TABLE: 'rate-limits',
  LOGIN_ATTEMPTS_PER_MINUTE: 10,
  LOGIN_ATTEMPTS_PER_CLIENT_PER_MINUTE: 30,
  LOGIN_FAILURES_PER_USERNAME_PER_HOUR: 200,
  REGISTRATIONS_PER_CLIENT_PER_HOUR: 20,
} as MonolithConfig;
const deps = {
  config,
  logger: pino({ level: 'silent' }),
  dynamo: unused,
  documents: unused,
  events: { publish: async () => {} },
  // never started: the document needs the route, not its queue
  live: createForumLiveFeed({
    sqs: unused as never,
    sns: unused as never,
    logger: pino({ level: 'silent' }),
    topicArn: config.FORUM_EVENTS_TOPIC_ARN,
    queuePrefix: 'agora-live-topics',
  }),
};

const expected = {
  users: [
    'POST /api/users',
    'GET /api/users',
    'GET /api/users/me',
    'PATCH /api/users/me',
    'GET /api/users/{userId}',
    'POST /api/auth/login',
    'GET /.well-known/jwks.json',
  ],
  topics: [
    'POST /api/topics',
    'GET /api/topics',
    'GET /api/topics/live',
    'GET /api/topics/{topicId}',
    'PATCH /api/topics/{topicId}',
    'DELETE /api/topics/{topicId}',
  ],
  messages: [
    'GET /api/topics/{topicId}/messages',
    'POST /api/topics/{topicId}/messages',
    'PATCH /api/messages/{messageId}',
    'DELETE /api/messages/{messageId}',
    'GET /api/users/{userId}/messages',
  ],
};

interface Operation {
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

async function documentOf(app: App) {
  after(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(response.statusCode, 200);
  const document = response.json() as {
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: Record<string, { scheme?: string }> };
  };
  const operations = new Map<string, Operation>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods))
      operations.set(`${method.toUpperCase()} ${path}`, operation);
  }
  return { document, operations };
}

const builders = { users: buildUsers, topics: buildTopics, messages: buildMessages };

for (const [service, build] of Object.entries(builders)) {
  describe(`the ${service} service's OpenAPI document`, async () => {
    const { document, operations } = await documentOf(await build(deps as never));

    it('lists every route, and nothing but the API (no probes)', () => {
      assert.deepEqual([...operations.keys()].sort(), [...expected[service as keyof typeof expected]].sort());
    });

    it('describes every response status with a schema, problems included', () => {
      for (const [name, operation] of operations) {
        const statuses = Object.keys(operation.responses);
        assert.ok(
          statuses.some((status) => status.startsWith('2')),
          `${name} has a success response`,
        );
        assert.ok(
          statuses.some((status) => status.startsWith('4')),
          `${name} documents its problems`,
        );
        for (const status of statuses.filter((s) => s !== '204')) {
          const content = operation.responses[status]?.content ?? {};
          assert.ok(
            Object.values(content).some((media) => media.schema),
            `${name} ${status} has a schema`,
          );
        }
      }
    });

    it('declares the bearer scheme and uses it on every route that answers 401', () => {
      assert.equal(document.components.securitySchemes.bearerAuth?.scheme, 'bearer');
      for (const [name, operation] of operations) {
        const needsToken = '401' in operation.responses && name !== 'POST /api/auth/login';
        assert.equal(Boolean(operation.security), needsToken, name);
      }
    });
  });
}

describe("the monolith's OpenAPI document", async () => {
  const { operations } = await documentOf(await buildMonolith(deps));
  it('is the union of the three services', () => {
    assert.deepEqual([...operations.keys()].sort(), Object.values(expected).flat().sort());
  });
});
