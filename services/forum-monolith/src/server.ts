/**
 * Starts the forum monolith: one process, one port, the three services' routes and both event
 * consumers (stopped on SIGTERM before the clients close).
 */
import { messagesConsumerOf } from '@agora/messages/events';
import { snsEventPublisher } from '@agora/runtime/events';
import { runService } from '@agora/runtime/run-service';
import { topicsConsumerOf, topicsLiveFeedOf } from '@agora/topics/events';
import { buildMonolith } from './app.ts';
import { monolithConfigSchema } from './config.ts';

await runService({
  name: 'forum',
  configSchema: monolithConfigSchema,
  wire: async (context) => {
    const { config, logger, aws } = context;
    const events = snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN);
    const live = topicsLiveFeedOf(context);
    return {
      app: await buildMonolith({ config, logger, dynamo: aws.dynamo, documents: aws.documents, events, live }),
      consumers: [topicsConsumerOf(context, events), messagesConsumerOf(context, events), live],
    };
  },
});
