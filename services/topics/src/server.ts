/**
 * Starts the topics service: config, AWS clients, the app, and its event consumer in the same
 * process (started after the server listens, stopped on SIGTERM before the clients close).
 */

import { snsEventPublisher } from '@agora/runtime/events';
import { runService } from '@agora/runtime/run-service';
import { buildApp } from './app.ts';
import { topicsConfigSchema } from './config.ts';
import { topicsConsumerOf } from './events.ts';

await runService({
  name: 'topics',
  configSchema: topicsConfigSchema,
  wire: async (context) => {
    const { config, logger, aws } = context;
    const events = snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN);
    return {
      app: await buildApp({ config, logger, dynamo: aws.dynamo, documents: aws.documents, events }),
      consumers: [topicsConsumerOf(context)],
    };
  },
});
