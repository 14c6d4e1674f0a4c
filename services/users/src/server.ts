/** Starts the users service: config from the environment, AWS clients, the app, graceful stop. */

import { snsEventPublisher } from '@agora/runtime/events';
import { runService } from '@agora/runtime/run-service';
import { buildApp } from './app.ts';
import { usersConfigSchema } from './config.ts';

await runService({
  name: 'users',
  configSchema: usersConfigSchema,
  wire: async ({ config, logger, aws }) => {
    const events = snsEventPublisher(aws.sns, config.FORUM_EVENTS_TOPIC_ARN);
    return { app: await buildApp({ config, logger, dynamo: aws.dynamo, documents: aws.documents, events }) };
  },
});
