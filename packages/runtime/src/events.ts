/** Publishing forum events on SNS, with the `type` attribute consumers' filter policies match on. */

import { type EventPayload, type EventType, eventSchemas } from '@agora/catalogue';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { Value } from 'typebox/value';
import { traceMessageAttributes } from './trace-context.ts';

export interface EventPublisher {
  publish<T extends EventType>(type: T, payload: EventPayload<T>): Promise<void>;
}

export function snsEventPublisher(sns: SNSClient, topicArn: string): EventPublisher {
  return {
    async publish(type, payload) {
      if (!Value.Check(eventSchemas[type], payload)) {
        throw new Error(`Refusing to publish a ${type} event that does not match its schema`);
      }
      await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify({ type, ...payload }),
          // traceparent: the consumer's span continues the trace of the request that published
          MessageAttributes: { ...traceMessageAttributes(), type: { DataType: 'String', StringValue: type } },
        }),
      );
    },
  };
}
