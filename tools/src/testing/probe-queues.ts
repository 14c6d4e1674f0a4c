/**
 * A throwaway SQS queue subscribed to a topic the way a catalogue consumer is (same filter
 * policy), so a test sees exactly what that consumer would receive.
 */

import { subscriptions, topics } from '@agora/catalogue';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { until } from '../wait.ts';
import type { TestDeployment } from './testing.ts';
import { uniquePrefix } from './testing.ts';

export interface ReceivedEvent {
  readonly body: Record<string, unknown>;
  readonly attributes: Record<string, string>;
}

/** Subscribes a fresh queue with the filter policy of `consumer` (a queue id in the catalogue). */
export async function subscribeTestQueue(deployment: TestDeployment, consumer: string, topicId?: string) {
  const { sqs, sns } = deployment.clients;
  const subscription = subscriptions().find((s) => s.queue === consumer);
  const topic = topicId ?? subscription?.topic ?? topics[0].id;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniquePrefix('probe') }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(
    new SubscribeCommand({
      TopicArn: deployment.topicArns[topic],
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: {
        RawMessageDelivery: 'true',
        ...(subscription ? { FilterPolicy: JSON.stringify(subscription.filterPolicy) } : {}),
      },
    }),
  );
  return {
    queueUrl: QueueUrl as string,
    /** Receives what is there now (at most 10), deleting it. */
    async receiveNow(): Promise<ReceivedEvent[]> {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      const received: ReceivedEvent[] = [];
      for (const message of Messages) {
        received.push({
          body: JSON.parse(message.Body ?? '{}'),
          attributes: Object.fromEntries(
            Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue ?? '']),
          ),
        });
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
      return received;
    },

    /** Everything that arrives until the queue stays empty for `waitMs`. */
    async receiveAll({ waitMs = 1000 } = {}): Promise<ReceivedEvent[]> {
      const received: ReceivedEvent[] = [];
      let quietSince = Date.now();
      while (Date.now() - quietSince < waitMs) {
        const batch = await this.receiveNow();
        received.push(...batch);
        if (batch.length > 0) quietSince = Date.now();
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return received;
    },

    /**
     * Everything that arrives up to and including the first event `last` matches: a positive
     * barrier, so "nothing else came before it" needs no quiet window. Throws after `timeoutMs`.
     */
    async receiveThrough(last: (event: ReceivedEvent) => boolean, timeoutMs = 15_000): Promise<ReceivedEvent[]> {
      const received: ReceivedEvent[] = [];
      await until(
        async () => {
          received.push(...(await this.receiveNow()));
          return received.some(last);
        },
        'the barrier event',
        timeoutMs,
        100,
      );
      return received;
    },
  };
}
