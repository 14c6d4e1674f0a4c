/**
 * The topics service: a Fastify plugin (so the monolith can mount it beside the other forum
 * services) and `buildApp`, which puts it on the platform's base app. No listen here.
 */

import { jwksVerification, tokenVerifier } from '@agora/runtime/auth';
import type { EventStreamSettings } from '@agora/runtime/event-stream';
import type { EventPublisher } from '@agora/runtime/events';
import type { App } from '@agora/runtime/http';
import type { LiveFeed } from '@agora/runtime/live-fanout';
import { createServiceApp } from '@agora/runtime/service-app';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { TopicsConfig } from './config.ts';
import type { ForumLiveEvent } from './live.ts';
import { liveRoutes } from './routes/live.ts';
import { topicsRoutes } from './routes/topics.ts';
import { createTopicsRepo } from './topics-repo.ts';

export interface TopicsDependencies {
  readonly config: Pick<TopicsConfig, 'TOPICS_TABLE' | 'JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>;
  readonly documents: DynamoDBDocumentClient;
  readonly events: EventPublisher;
  /** this task's live feed (live.ts), started and stopped with the process's consumers */
  readonly live: LiveFeed<ForumLiveEvent>;
  /** the live streams' heartbeat and limits (tests shorten them) */
  readonly liveStreams?: Partial<EventStreamSettings>;
}

/** Everything the topics service serves, as one encapsulated plugin. */
export const topicsService: FastifyPluginAsync<TopicsDependencies> = async (
  app,
  { config, documents, events, live, liveStreams },
) => {
  await app.register(tokenVerifier, jwksVerification(config));
  await app.register(topicsRoutes, { topics: createTopicsRepo(documents, config.TOPICS_TABLE), events });
  await app.register(liveRoutes, { live, ...(liveStreams ? { streams: liveStreams } : {}) });
};

export interface BuildOptions extends TopicsDependencies {
  readonly config: TopicsConfig;
  readonly logger: Logger;
  readonly dynamo: DynamoDBClient;
}

export async function buildApp(options: BuildOptions): Promise<App> {
  const app = await createServiceApp({
    ...options,
    service: 'topics',
    readinessTables: [options.config.TOPICS_TABLE],
    openApi: { title: 'Agora topics', description: 'Forum topics' },
  });
  await app.register(topicsService, options);
  return app;
}
