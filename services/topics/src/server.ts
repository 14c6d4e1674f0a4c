/**
 * Starts the topics service: config, AWS clients, the app, its event consumer and its live feed
 * (its own queue) in the same process (started after the server listens, stopped on SIGTERM
 * before the clients close: the live queue is deleted then).
 */

import { snsEventPublisher } from '@agora/runtime/events';
import { runService } from '@agora/runtime/run-service';
import { buildApp } from './app.ts';
import { topicsConfigSchema } from './config.ts';
import { topicsConsumerOf, topicsLiveFeedOf } from './events.ts';

await runService({
  name: 'topics',
  configSchema: topicsConfigSchema,
  wire: async (context) => {
    const { config, logger, aws } = context;
    const events = snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN);
    const live = topicsLiveFeedOf(context);
    return {
      app: await buildApp({ config, logger, dynamo: aws.dynamo, documents: aws.documents, events, live }),
      consumers: [topicsConsumerOf(context, events), live],
    };
  },
});
