/**
 * Messages: a topic's messages (oldest first), posting to a topic, editing and deleting your own,
 * and a user's messages across topics (newest first).
 */
import { fieldRules } from '@agora/catalogue';
import { MessagePageSchema, MessageSchema } from '@agora/catalogue/api-shapes';
import type { AuthenticatedUser } from '@agora/runtime/auth';
import type { EventPublisher } from '@agora/runtime/events';
import { newId } from '@agora/runtime/ids';
import { readPage } from '@agora/runtime/paging';
import { problems } from '@agora/runtime/problem';
import { bearerAuth, PageQuery, problemResponses } from '@agora/runtime/schemas';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { epoch, type Message, type MessagesRepo } from '../messages-repo.ts';

const ResourceId = Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'an id this API issued' });
const MessageBody = Type.String(fieldRules.messageBody);

export interface MessagesRoutesOptions {
  readonly messages: MessagesRepo;
  readonly events: EventPublisher;
}

export const messagesRoutes: FastifyPluginAsyncTypebox<MessagesRoutesOptions> = async (app, { messages, events }) => {
  async function ownMessage(messageId: string, user: AuthenticatedUser): Promise<Message> {
    const message = await messages.findById(messageId);
    if (!message) throw problems.notFound(`No message ${messageId}`);
    if (message.authorId !== user.sub) throw problems.forbidden('Only the author of a message may change it');
    return message;
  }

  app.get(
    '/api/topics/:topicId/messages',
    {
      schema: {
        tags: ['messages'],
        summary: "A topic's messages, oldest first, each with its author's current name",
        params: Type.Object({ topicId: ResourceId }),
        querystring: PageQuery,
        response: { 200: MessagePageSchema, ...problemResponses(400, 404, 429) },
      },
    },
    async (request) => {
      const page = await readPage(request.query, ({ limit, cursor }) =>
        messages.listTopic(request.params.topicId, limit, cursor),
      );
      if (!page) throw problems.notFound(`No topic ${request.params.topicId}`);
      return page;
    },
  );

  app.post(
    '/api/topics/:topicId/messages',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['messages'],
        summary: 'Post a message to a topic',
        security: bearerAuth,
        params: Type.Object({ topicId: ResourceId }),
        body: Type.Object({ body: MessageBody }, { additionalProperties: false }),
        response: { 201: MessageSchema, ...problemResponses(400, 401, 404, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { topicId } = request.params;
      const known = await messages.authorName(request.user.sub);
      const message = {
        messageId: newId(),
        topicId,
        authorId: request.user.sub,
        authorName: known?.displayName ?? request.user.name,
        authorNameAt: known?.renamedAt ?? epoch,
        body: request.body.body,
        createdAt: new Date().toISOString(),
      };
      const outcome = await messages.post(message);
      if (outcome === 'no-topic') throw problems.notFound(`No topic ${topicId} (it does not exist or was deleted)`);
      try {
        await events.publish('message.posted', {
          topicId,
          messageId: message.messageId,
          authorId: message.authorId,
          createdAt: message.createdAt,
        });
      } catch (error) {
        // Unannounced, the topic's count would never include it: take it back and let the client retry.
        request.log.error({ err: error, messageId: message.messageId }, 'message.posted not published; withdrawn');
        await messages.delete(message);
        throw problems.unavailable('The message could not be posted just now; try again');
      }
      const { authorNameAt: _internal, ...shown } = message;
      return reply.code(201).header('location', `/api/messages/${message.messageId}`).send(shown);
    },
  );

  app.patch(
    '/api/messages/:messageId',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['messages'],
        summary: 'Edit your message',
        security: bearerAuth,
        params: Type.Object({ messageId: ResourceId }),
        body: Type.Object({ body: MessageBody }, { additionalProperties: false }),
        response: { 200: MessageSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const message = await ownMessage(request.params.messageId, request.user);
      const updated = await messages.updateBody(message, request.body.body, new Date().toISOString());
      if (!updated) throw problems.notFound(`No message ${request.params.messageId}`);
      return updated;
    },
  );

  app.delete(
    '/api/messages/:messageId',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['messages'],
        summary: 'Delete your message',
        security: bearerAuth,
        params: Type.Object({ messageId: ResourceId }),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const message = await ownMessage(request.params.messageId, request.user);
      // Announced first, so a failed deletion is completed by the client's retry (the topics
      // service counts a deletion once however often it hears of it).
      await events.publish('message.deleted', {
        topicId: message.topicId,
        messageId: message.messageId,
        deletedAt: new Date().toISOString(),
      });
      if (!(await messages.delete(message))) throw problems.notFound(`No message ${request.params.messageId}`);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/users/:userId/messages',
    {
      schema: {
        tags: ['messages'],
        summary: "A user's messages across topics, newest first",
        params: Type.Object({ userId: ResourceId }),
        querystring: PageQuery,
        response: { 200: MessagePageSchema, ...problemResponses(400, 429) },
      },
    },
    async (request) =>
      readPage(request.query, ({ limit, cursor }) => messages.listByAuthor(request.params.userId, limit, cursor)),
  );
};
