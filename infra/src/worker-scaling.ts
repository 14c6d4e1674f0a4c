/**
 * Workers scale on their queues' backlog: visible messages plus those in flight (a message being
 * worked on still needs its worker). Out fast: one minute with any backlog adds a task, so a
 * single file starts a worker even from zero (the ecs-patterns default only acts at 100 messages).
 * In slowly: ten idle minutes remove one task at a time, five minutes apart; a worker busy with a
 * file holds ECS scale-in protection, so scale-in never cuts a file short.
 */
import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

export interface WorkerScalingOptions {
  /**
   * 0 by default: a CSV upload is batch work that can wait a minute for a cold start, and an idle
   * worker would cost about $9 a month for nothing.
   */
  readonly minTasks: number;
  readonly maxTasks: number;
}

/** Backlog → change in task count. The first step starts at one message. */
export const scaleOutSteps: autoscaling.ScalingInterval[] = [
  { lower: 1, change: +1 },
  { lower: 50, change: +2 },
  { lower: 200, change: +4 },
];
export const scaleInSteps: autoscaling.ScalingInterval[] = [
  { upper: 0, change: -1 },
  { lower: 1, change: 0 },
];

export function backlogMetric(queues: readonly sqs.IQueue[]): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  const period = Duration.minutes(1);
  queues.forEach((queue, index) => {
    usingMetrics[`visible${index}`] = queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' });
    usingMetrics[`inflight${index}`] = queue.metricApproximateNumberOfMessagesNotVisible({
      period,
      statistic: 'Maximum',
    });
  });
  return new cloudwatch.MathExpression({
    expression: Object.keys(usingMetrics).join(' + '),
    usingMetrics,
    period,
    label: 'messages waiting or in progress',
  });
}

export function addWorkerScaling(
  service: ecs.FargateService,
  queues: readonly sqs.IQueue[],
  options: WorkerScalingOptions,
): void {
  const scaling = service.autoScaleTaskCount({ minCapacity: options.minTasks, maxCapacity: options.maxTasks });
  const metric = backlogMetric(queues);
  scaling.scaleOnMetric('backlog-out', {
    metric,
    scalingSteps: scaleOutSteps,
    adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    evaluationPeriods: 1,
    cooldown: Duration.seconds(60),
    metricAggregationType: autoscaling.MetricAggregationType.MAXIMUM,
  });
  scaling.scaleOnMetric('backlog-in', {
    metric,
    scalingSteps: scaleInSteps,
    adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    evaluationPeriods: 10,
    datapointsToAlarm: 10,
    cooldown: Duration.seconds(300),
    metricAggregationType: autoscaling.MetricAggregationType.MAXIMUM,
  });
}
