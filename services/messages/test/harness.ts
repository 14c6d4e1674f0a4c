/** Builds the messages app against the emulator with fresh resources and a test token issuer. */
import { after } from 'node:test';
import { loadConfig } from '@agora/runtime/config';
import { type EventPublisher, snsEventPublisher } from '@agora/runtime/events';
import { capturedLogger, provision } from '@agora/tools/testing/testing';
import { startTestIssuer, type TestUser } from '@agora/tools/testing/token-issuer';
import { buildApp } from '../src/app.ts';
import { messagesConfigSchema } from '../src/config.ts';
import { messagesEventHandlers } from '../src/events.ts';
import { createMessagesRepo } from '../src/messages-repo.ts';

export async function messagesApp(options: { events?: EventPublisher } = {}) {
  const deployment = await provision('messages');
  const issuer = await startTestIssuer();
  const config = loadConfig(messagesConfigSchema, {
    ...deployment.env,
    AWS_ENDPOINT_URL: deployment.endpoint,
    JWKS_URL: issuer.jwksUrl,
  });
  const logs = capturedLogger('messages');
  const events = snsEventPublisher(deployment.clients.sns, config.FORUM_EVENTS_TOPIC_ARN);
  const app = await buildApp({
    config,
    logger: logs.logger,
    dynamo: deployment.clients.dynamo,
    documents: deployment.clients.documents,
    events: options.events ?? events,
  });
  after(() => app.close());
  const repo = createMessagesRepo(deployment.clients.documents, config.MESSAGES_TABLE);
  const handlers = messagesEventHandlers(repo, events);
  const auth = (user: TestUser) => ({ authorization: `Bearer ${issuer.token(user)}` });

  let topics = 0;
  /** A topic the messages service has heard of (as if from a topic.created event). */
  async function openTopic(author = 'someone'): Promise<string> {
    topics += 1;
    const topicId = `0190aaaa-0000-7000-8000-${String(topics).padStart(12, '0')}`;
    await handlers['topic.created']?.({
      topicId,
      authorId: author,
      authorName: 'Someone',
      createdAt: new Date().toISOString(),
    });
    return topicId;
  }

  async function post(user: TestUser, topicId: string, body = 'hello') {
    const response = await app.inject({
      method: 'POST',
      url: `/api/topics/${topicId}/messages`,
      headers: auth(user),
      payload: { body },
    });
    if (response.statusCode !== 201) throw new Error(`post failed: ${response.statusCode} ${response.body}`);
    return response.json() as { messageId: string; topicId: string; authorName: string; createdAt: string };
  }

  return { app, deployment, logs, config, issuer, repo, handlers, events, auth, openTopic, post };
}
