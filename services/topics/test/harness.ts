/** Builds the topics app against the emulator with fresh resources and a test token issuer. */
import { after } from 'node:test';
import { loadConfig } from '@agora/runtime/config';
import { type EventPublisher, snsEventPublisher } from '@agora/runtime/events';
import { capturedLogger, provision } from '@agora/tools/testing/testing';
import { startTestIssuer } from '@agora/tools/testing/token-issuer';
import { buildApp } from '../src/app.ts';
import { topicsConfigSchema } from '../src/config.ts';
import { createTopicsRepo } from '../src/topics-repo.ts';

export async function topicsApp(options: { events?: EventPublisher } = {}) {
  const deployment = await provision('topics');
  const issuer = await startTestIssuer();
  const config = loadConfig(topicsConfigSchema, {
    ...deployment.env,
    AWS_ENDPOINT_URL: deployment.endpoint,
    JWKS_URL: issuer.jwksUrl,
  });
  const logs = capturedLogger('topics');
  const app = await buildApp({
    config,
    logger: logs.logger,
    dynamo: deployment.clients.dynamo,
    documents: deployment.clients.documents,
    events: options.events ?? snsEventPublisher(deployment.clients.sns, config.FORUM_EVENTS_TOPIC_ARN),
  });
  after(() => app.close());
  const repo = createTopicsRepo(deployment.clients.documents, config.TOPICS_TABLE);
  return { app, deployment, logs, config, issuer, repo };
}
