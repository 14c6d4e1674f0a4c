/** /api/topics: create, list by latest activity, read, and edit or delete your own. */

import { fieldRules } from '@agora/catalogue';
import { TopicPageSchema, TopicSchema } from '@agora/catalogue/api-shapes';
import type { EventPublisher } from '@agora/runtime/events';
import { newId } from '@agora/runtime/ids';
import { readPage } from '@agora/runtime/paging';
import { problems } from '@agora/runtime/problem';
import { bearerAuth, PageQuery, problemResponses } from '@agora/runtime/schemas';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { topicView } from '../live.ts';
import type { Topic, TopicsRepo } from '../topics-repo.ts';

export const ResourceId = Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'an id this API issued' });
const Title = Type.String(fieldRules.topicTitle);
const MessageBody = Type.String(fieldRules.messageBody);

const TopicParams = Type.Object({ topicId: ResourceId });

export interface TopicsRoutesOptions {
  readonly topics: TopicsRepo;
  readonly events: EventPublisher;
}

export const topicsRoutes: FastifyPluginAsyncTypebox<TopicsRoutesOptions> = async (app, { topics, events }) => {
  async function ownTopic(topicId: string, userId: string): Promise<Topic> {
    const topic = await topics.findById(topicId);
    if (!topic) throw problems.notFound(`No topic ${topicId}`);
    if (topic.authorId !== userId) throw problems.forbidden('Only the author of a topic may change it');
    return topic;
  }

  /** For the live feed only: a failure costs its browsers one update, never the change itself. */
  async function announceChange(topic: Topic, log: { warn(context: object, message: string): void }) {
    try {
      await events.publish('topic.updated', topicView(topic));
    } catch (error) {
      log.warn({ err: error, topicId: topic.topicId }, 'topic.updated not published: live feeds miss this change');
    }
  }

  app.post(
    '/api/topics',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['topics'],
        summary: 'Start a topic, optionally with its first message',
        security: bearerAuth,
        body: Type.Object(
          {
            title: Title,
            body: Type.Optional(MessageBody),
          },
          { additionalProperties: false },
        ),
        response: { 201: TopicSchema, ...problemResponses(400, 401, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const now = new Date().toISOString();
      const topic: Topic = {
        topicId: newId(),
        title: request.body.title,
        authorId: request.user.sub,
        createdAt: now,
        lastActivityAt: now,
        messageCount: 0,
      };
      await topics.create(topic);
      try {
        await events.publish('topic.created', {
          topicId: topic.topicId,
          authorId: topic.authorId,
          authorName: request.user.name,
          createdAt: now,
          ...(request.body.body ? { firstMessage: { messageId: newId(), body: request.body.body } } : {}),
        });
      } catch (error) {
        // Unannounced, the topic could never take messages: take it back and let the client retry.
        request.log.error({ err: error, topicId: topic.topicId }, 'topic.created not published; topic withdrawn');
        await topics.delete(topic.topicId);
        throw problems.unavailable('The topic could not be created just now; try again');
      }
      request.log.info({ topicId: topic.topicId }, 'topic created');
      await announceChange(topic, request.log);
      return reply.code(201).header('location', `/api/topics/${topic.topicId}`).send(topic);
    },
  );

  app.get(
    '/api/topics',
    {
      schema: {
        tags: ['topics'],
        summary: 'Topics by latest activity, newest first',
        querystring: PageQuery,
        response: { 200: TopicPageSchema, ...problemResponses(400, 429) },
      },
    },
    async (request) => readPage(request.query, ({ limit, cursor }) => topics.listByActivity(limit, cursor)),
  );

  app.get(
    '/api/topics/:topicId',
    {
      schema: {
        tags: ['topics'],
        summary: 'One topic, with its message count and latest activity',
        params: TopicParams,
        response: { 200: TopicSchema, ...problemResponses(400, 404, 429) },
      },
    },
    async (request) => {
      const topic = await topics.findById(request.params.topicId);
      if (!topic) throw problems.notFound(`No topic ${request.params.topicId}`);
      return topic;
    },
  );

  app.patch(
    '/api/topics/:topicId',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['topics'],
        summary: 'Change the title of your topic',
        security: bearerAuth,
        params: TopicParams,
        body: Type.Object({ title: Title }, { additionalProperties: false }),
        response: { 200: TopicSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      await ownTopic(request.params.topicId, request.user.sub);
      const updated = await topics.updateTitle(request.params.topicId, request.body.title, new Date().toISOString());
      if (!updated) throw problems.notFound(`No topic ${request.params.topicId}`);
      await announceChange(updated, request.log);
      return updated;
    },
  );

  app.delete(
    '/api/topics/:topicId',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['topics'],
        summary: 'Delete your topic (its messages follow, removed by the messages service)',
        security: bearerAuth,
        params: TopicParams,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await ownTopic(request.params.topicId, request.user.sub);
      // Announced first: if the deletion then fails, the client's retry announces again (consumers
      // are idempotent) and deletes; the other order could leave a deleted topic whose messages live.
      await events.publish('topic.deleted', { topicId: request.params.topicId, deletedAt: new Date().toISOString() });
      if (!(await topics.delete(request.params.topicId))) throw problems.notFound(`No topic ${request.params.topicId}`);
      request.log.info({ topicId: request.params.topicId }, 'topic deleted');
      return reply.code(204).send(null);
    },
  );
};
