/** Builds the topics app against the emulator with fresh resources and a test token issuer. */
import { after } from 'node:test';
import { loadConfig } from '@agora/runtime/config';
import { type EventPublisher, snsEventPublisher } from '@agora/runtime/events';
import { capturedLogger, provision, type TestDeployment } from '@agora/tools/testing/testing';
import { startTestIssuer, type TestIssuer } from '@agora/tools/testing/token-issuer';
import { buildApp } from '../src/app.ts';
import { topicsConfigSchema } from '../src/config.ts';
import { createForumLiveFeed } from '../src/live.ts';
import { createTopicsRepo } from '../src/topics-repo.ts';

export interface TopicsAppOptions {
  readonly events?: EventPublisher;
  /** start the app's live feed (its own queue on the forum events topic) */
  readonly startLive?: boolean;
  /** another task of an existing deployment (same resources, same token issuer) */
  readonly deployment?: TestDeployment;
  readonly issuer?: TestIssuer;
}

export async function topicsApp(options: TopicsAppOptions = {}) {
  const deployment = options.deployment ?? (await provision('topics'));
  const issuer = options.issuer ?? (await startTestIssuer());
  const config = loadConfig(topicsConfigSchema, {
    ...deployment.env,
    AWS_ENDPOINT_URL: deployment.endpoint,
    JWKS_URL: issuer.jwksUrl,
  });
  const logs = capturedLogger('topics');
  const live = createForumLiveFeed({
    sqs: deployment.clients.sqs,
    sns: deployment.clients.sns,
    logger: logs.logger,
    topicArn: config.FORUM_EVENTS_TOPIC_ARN,
    queuePrefix: config.TOPICS_LIVE_QUEUE_PREFIX,
    waitTimeSeconds: 1,
  });
  if (options.startLive) {
    live.start();
    after(() => live.stop());
  }
  const app = await buildApp({
    config,
    logger: logs.logger,
    dynamo: deployment.clients.dynamo,
    documents: deployment.clients.documents,
    events: options.events ?? snsEventPublisher(deployment.clients.sns, config.FORUM_EVENTS_TOPIC_ARN),
    live,
    liveStreams: { heartbeatMs: 200 },
  });
  after(() => app.close());
  const repo = createTopicsRepo(deployment.clients.documents, config.TOPICS_TABLE);
  return { app, deployment, logs, config, issuer, repo, live };
}
