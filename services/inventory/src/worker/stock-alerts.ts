/**
 * Stock alerts on SNS: `out-of-stock` when an item goes from above zero (or nothing) to zero,
 * `back-in-stock` when it goes from zero to above zero. Message attributes `store`, `item` and
 * `kind` let a manager subscribe to one store; `alertId` (upload + store + item) lets a consumer
 * drop the rare duplicate a crash between publishing and recording can cause.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

import type { AlertKind } from '../inventory-repo.ts';

export type { AlertKind };

export interface StockAlert {
  readonly kind: AlertKind;
  readonly store: string;
  readonly item: string;
  readonly count: number;
  /** the count before this upload; absent when the item was new */
  readonly previousCount?: number | undefined;
  readonly uploadId: string;
}

export function alertText(alert: Pick<StockAlert, 'kind' | 'store' | 'item'>): string {
  return alert.kind === 'out-of-stock'
    ? `${alert.store} is out of stock of ${alert.item}`
    : `${alert.store} has ${alert.item} back in stock`;
}

/** SNS subjects are ASCII, without control characters, under 100 characters. */
function subject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii;
}

export interface AlertPublisher {
  publish(alert: StockAlert): Promise<void>;
}

export function snsAlertPublisher(sns: SNSClient, topicArn: string): AlertPublisher {
  return {
    async publish(alert) {
      const text = alertText(alert);
      await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: subject(text),
          Message: JSON.stringify({
            message: text,
            kind: alert.kind,
            store: alert.store,
            item: alert.item,
            count: alert.count,
            ...(alert.previousCount === undefined ? {} : { previousCount: alert.previousCount }),
            uploadId: alert.uploadId,
            alertId: `${alert.uploadId}/${alert.store}/${alert.item}`,
          }),
          MessageAttributes: {
            store: { DataType: 'String', StringValue: alert.store },
            item: { DataType: 'String', StringValue: alert.item },
            kind: { DataType: 'String', StringValue: alert.kind },
          },
        }),
      );
    },
  };
}
