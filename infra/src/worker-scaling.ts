/**
 * Workers scale to their work: one task per file waiting or in progress, up to the maximum.
 *
 * The backlog is the queues' visible plus in-flight messages (a worker takes one message at a
 * time and keeps it in flight while it works on the file). Two step-scaling policies set the
 * task count outright (ExactCapacity), so an alarm that stays in ALARM, whose action CloudWatch
 * repeats every minute, asks for the same count again instead of adding a task each time:
 *   - "work": backlog ≥ 1 → exactly min(backlog, max) tasks. One message starts a task from 0;
 *     N files give N tasks; one long file keeps one; a shrinking backlog lets idle tasks go (a
 *     task busy with a file holds ECS scale-in protection, so a file is never cut short).
 *   - "idle": backlog 0 for ten minutes → the minimum. SQS publishes no metrics for a queue
 *     that has been inactive for hours, so missing data counts as idle here (and as no work for
 *     the "work" alarm).
 */
import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface WorkerScalingOptions {
  /**
   * 0 by default: a CSV upload is batch work that can wait a minute for a cold start, and an idle
   * worker would cost about $9 a month for nothing.
   */
  readonly minTasks: number;
  readonly maxTasks: number;
}

/** Minutes of an empty backlog before the workers go back to their minimum. */
export const idleMinutes = 10;
/** Application Auto Scaling allows at most 20 step adjustments in one policy. */
const maxSteps = 20;

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

/** backlog → exact task count: [k-1, k) above the threshold of 1 gives k tasks, the last step the maximum. */
export function workSteps(maxTasks: number): autoscaling.AdjustmentTier[] {
  const steps: autoscaling.AdjustmentTier[] = [];
  const last = Math.min(maxTasks, maxSteps);
  for (let tasks = 1; tasks < last; tasks++) {
    steps.push({ lowerBound: tasks - 1, upperBound: tasks, adjustment: tasks });
  }
  steps.push({ lowerBound: last - 1, adjustment: maxTasks });
  return steps;
}

export function addWorkerScaling(
  service: ecs.FargateService,
  queues: readonly sqs.IQueue[],
  options: WorkerScalingOptions,
): void {
  const scaling = service.autoScaleTaskCount({ minCapacity: options.minTasks, maxCapacity: options.maxTasks });
  const scope = new Construct(service, 'BacklogScaling');
  const metric = backlogMetric(queues);

  const work = new autoscaling.StepScalingAction(scope, 'WorkPolicy', {
    scalingTarget: scaling,
    adjustmentType: autoscaling.AdjustmentType.EXACT_CAPACITY,
    metricAggregationType: autoscaling.MetricAggregationType.MAXIMUM,
    cooldown: Duration.seconds(60),
  });
  for (const step of workSteps(options.maxTasks)) work.addAdjustment(step);
  new cloudwatch.Alarm(scope, 'WorkAlarm', {
    alarmDescription: 'Files waiting or in progress: one worker task per file, up to the maximum',
    metric,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(new actions.ApplicationScalingAction(work));

  const idle = new autoscaling.StepScalingAction(scope, 'IdlePolicy', {
    scalingTarget: scaling,
    adjustmentType: autoscaling.AdjustmentType.EXACT_CAPACITY,
    metricAggregationType: autoscaling.MetricAggregationType.MAXIMUM,
    cooldown: Duration.seconds(300),
  });
  idle.addAdjustment({ upperBound: 0, adjustment: options.minTasks });
  new cloudwatch.Alarm(scope, 'IdleAlarm', {
    alarmDescription: `No file waiting or in progress for ${idleMinutes} minutes: back to the minimum`,
    metric,
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: idleMinutes,
    datapointsToAlarm: idleMinutes,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  }).addAlarmAction(new actions.ApplicationScalingAction(idle));
}
