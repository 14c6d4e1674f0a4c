/**
 * The messages service: a Fastify plugin (so the monolith can mount it beside the other forum
 * services) and `buildApp`, which puts it on the platform's base app. No listen here.
 */

import { jwksVerification, tokenVerifier } from '@agora/runtime/auth';
import type { EventPublisher } from '@agora/runtime/events';
import type { App } from '@agora/runtime/http';
import { createServiceApp } from '@agora/runtime/service-app';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { MessagesConfig } from './config.ts';
import { createMessagesRepo } from './messages-repo.ts';
import { messagesRoutes } from './routes/messages.ts';

export interface MessagesDependencies {
  readonly config: Pick<MessagesConfig, 'MESSAGES_TABLE' | 'JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>;
  readonly documents: DynamoDBDocumentClient;
  readonly events: EventPublisher;
}

/** Everything the messages service serves, as one encapsulated plugin. */
export const messagesService: FastifyPluginAsync<MessagesDependencies> = async (app, { config, documents, events }) => {
  await app.register(tokenVerifier, jwksVerification(config));
  await app.register(messagesRoutes, { messages: createMessagesRepo(documents, config.MESSAGES_TABLE), events });
};

export interface BuildOptions extends MessagesDependencies {
  readonly config: MessagesConfig;
  readonly logger: Logger;
  readonly dynamo: DynamoDBClient;
}

export async function buildApp(options: BuildOptions): Promise<App> {
  const app = await createServiceApp({
    ...options,
    service: 'messages',
    readinessTables: [options.config.MESSAGES_TABLE],
    openApi: { title: 'Agora messages', description: 'Forum messages' },
  });
  await app.register(messagesService, options);
  return app;
}
