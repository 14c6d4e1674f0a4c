/**
 * Starts the forum monolith: one process, one port, the three services' routes and both event
 * consumers (stopped on SIGTERM before the clients close).
 */
import { messagesConsumerOf } from '@agora/messages/events';
import { snsEventPublisher } from '@agora/runtime/events';
import { runService } from '@agora/runtime/run-service';
import { topicsConsumerOf } from '@agora/topics/events';
import { buildMonolith } from './app.ts';
import { monolithConfigSchema } from './config.ts';

await runService({
  name: 'forum',
  configSchema: monolithConfigSchema,
  wire: async (context) => {
    const { config, logger, aws } = context;
    const events = snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN);
    return {
      app: await buildMonolith({ config, logger, dynamo: aws.dynamo, documents: aws.documents, events }),
      consumers: [topicsConsumerOf(context), messagesConsumerOf(context, events)],
    };
  },
});
