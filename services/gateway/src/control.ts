/**
 * The target-group control API: what the ELBv2 API (RegisterTargets, DeregisterTargets,
 * DescribeTargetHealth) is to ECS, for whatever starts tasks locally. Targets are base URLs, so
 * the same calls serve task processes today and containers later. It listens on loopback only,
 * on its own port, never on the gateway's public one.
 *
 *   GET    /target-groups                          every group's targets and their states
 *   POST   /target-groups/:service/targets {url}   register (traffic once healthy)
 *   DELETE /target-groups/:service/targets {url}   deregister: answers once drained
 */

import { accessLogOptions } from '@agora/runtime/access-log';
import { problemBody, registerProblemHandlers, sendProblem } from '@agora/runtime/problem';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Type } from 'typebox';
import type { TargetGroups } from './target-group.ts';

const targetBody = Type.Object({ url: Type.String({ pattern: '^https?://' }) }, { additionalProperties: false });

export async function buildControlApi(targetGroups: TargetGroups, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger.child({ api: 'control' }) as FastifyBaseLogger,
    ...accessLogOptions(),
  });
  registerProblemHandlers(app);

  const groupOf = (service: string) => targetGroups.get(service);
  const describeAll = () =>
    Object.fromEntries([...targetGroups].map(([service, group]) => [service, group.describe()]));

  app.get('/target-groups', async () => describeAll());

  app.post<{ Params: { service: string }; Body: { url: string } }>(
    '/target-groups/:service/targets',
    { schema: { body: targetBody } },
    async (request, reply) => {
      const group = groupOf(request.params.service);
      if (!group) return sendProblem(reply, problemBody(404, `No target group for ${request.params.service}`));
      try {
        return reply.code(201).send(group.register(request.body.url));
      } catch (error) {
        return sendProblem(reply, problemBody(409, (error as Error).message));
      }
    },
  );

  app.delete<{ Params: { service: string }; Body: { url: string } }>(
    '/target-groups/:service/targets',
    { schema: { body: targetBody } },
    async (request, reply) => {
      const group = groupOf(request.params.service);
      if (!group) return sendProblem(reply, problemBody(404, `No target group for ${request.params.service}`));
      const drained = await group.deregister(request.body.url);
      if (!drained) return sendProblem(reply, problemBody(404, `${request.body.url} is not registered`));
      return drained;
    },
  );

  return app;
}
