/**
 * The forum as one program: the users, topics and messages plugins on one base app. Each plugin
 * stays encapsulated (its own token verifier, its own repos), exactly as in its own service, so
 * the API is identical; only the process boundary is gone. No listen here.
 */
import { messagesService } from '@agora/messages';
import type { EventPublisher } from '@agora/runtime/events';
import type { App } from '@agora/runtime/http';
import type { LiveFeed } from '@agora/runtime/live-fanout';
import { createServiceApp } from '@agora/runtime/service-app';
import { topicsService } from '@agora/topics';
import type { ForumLiveEvent } from '@agora/topics/live';
import { usersService } from '@agora/users';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import type { MonolithConfig } from './config.ts';

export interface MonolithOptions {
  readonly config: MonolithConfig;
  readonly logger: Logger;
  readonly dynamo: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  readonly events: EventPublisher;
  /** the topics plugin's live feed (GET /api/topics/live) */
  readonly live: LiveFeed<ForumLiveEvent>;
}

export async function buildMonolith(options: MonolithOptions): Promise<App> {
  const { config } = options;
  const app = await createServiceApp({
    ...options,
    service: 'forum',
    readinessTables: [config.USERS_TABLE, config.RATE_LIMITS_TABLE, config.TOPICS_TABLE, config.MESSAGES_TABLE],
    openApi: { title: 'Agora forum (monolith)', description: 'Users, topics and messages' },
  });
  const shared = { config, documents: options.documents, events: options.events };
  await app.register(usersService, shared);
  await app.register(topicsService, { ...shared, live: options.live });
  await app.register(messagesService, shared);
  return app;
}
