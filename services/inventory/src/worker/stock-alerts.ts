/**
 * Stock alerts on SNS: `out-of-stock` when an item goes from above zero (or nothing) to zero,
 * `back-in-stock` when it goes from zero to above zero. Message attributes `store`, `item` and
 * `kind` let a manager subscribe to one store; `alertId` (upload + store + item) lets a consumer
 * drop the rare duplicate a crash between publishing and recording can cause. Alerts go out up
 * to 10 per PublishBatch (SNS's limit), so a file with thousands of transitions makes a tenth of
 * the requests; an entry SNS failed on its side is sent again after a backoff.
 */
import { type Backoff, defaultBackoff, jitteredDelay, sleep } from '@agora/runtime/backoff';
import { traceMessageAttributes } from '@agora/runtime/trace-context';
import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';

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

/** SNS PublishBatch's limit of entries per call. */
export const alertBatchLimit = 10;

export interface AlertPublisher {
  /** Publishes every alert, up to 10 per request; resolves once SNS has accepted them all. */
  publish(alerts: readonly StockAlert[]): Promise<void>;
}

function entry(alert: StockAlert, id: string): PublishBatchRequestEntry {
  const text = alertText(alert);
  return {
    Id: id,
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
      // the upload's trace, so whoever consumes the alert continues it
      ...traceMessageAttributes(),
      store: { DataType: 'String', StringValue: alert.store },
      item: { DataType: 'String', StringValue: alert.item },
      kind: { DataType: 'String', StringValue: alert.kind },
    },
  };
}

export function snsAlertPublisher(sns: SNSClient, topicArn: string, backoff: Backoff = defaultBackoff): AlertPublisher {
  async function publishBatch(alerts: readonly StockAlert[]): Promise<void> {
    let pending = alerts.map((alert, index) => entry(alert, `a${index}`));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= backoff.maxAttempts) {
        throw new Error(`SNS refused ${pending.length} of ${alerts.length} alerts after ${attempt} attempts`);
      }
      if (attempt > 0) await sleep(jitteredDelay(attempt, backoff));
      const { Failed = [] } = await sns.send(
        new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: pending }),
      );
      const ours = Failed.find((failure) => failure.SenderFault);
      if (ours) throw new Error(`SNS refused an alert: ${ours.Code}: ${ours.Message}`);
      const failed = new Set(Failed.map((failure) => failure.Id));
      pending = pending.filter((sent) => failed.has(sent.Id));
    }
  }

  return {
    async publish(alerts) {
      for (let at = 0; at < alerts.length; at += alertBatchLimit) {
        await publishBatch(alerts.slice(at, at + alertBatchLimit));
      }
    },
  };
}
