/**
 * A minute-by-minute simulation of a worker service driven only by what the template says: its
 * scalable target (min, max), its CloudWatch alarms (metric math over SQS metrics, threshold,
 * comparison, M of N, missing data) and their step-scaling policies (adjustment type, steps,
 * cooldown). It applies the documented semantics:
 *   - SQS publishes ApproximateNumberOfMessagesVisible/NotVisible once a minute, and only while
 *     the queue is active (an API call within the last six hours); a datapoint is the Maximum
 *     over its minute, and an alarm sees the minute that just ended.
 *   - An alarm is ALARM when at least DatapointsToAlarm of the last EvaluationPeriods datapoints
 *     breach; a missing datapoint counts as TreatMissingData says. An alarm with an Auto Scaling
 *     action invokes it on entering ALARM and again every minute it stays there.
 *   - Application Auto Scaling picks the step whose bounds (relative to the threshold; lower
 *     inclusive above the threshold, upper inclusive below it) hold the aggregated metric. During a
 *     policy's cooldown after a scale-out, it scales out again only to a larger capacity; during its
 *     cooldown after a scale-in, it does not scale in again. Capacity stays within [min, max].
 * The service side: ECS starts a task in `taskStartSeconds`; each task takes one message at a
 * time and keeps it in flight until done; a task busy with a file holds scale-in protection, so
 * ECS stops only idle tasks when the desired count falls.
 */
import assert from 'node:assert/strict';

interface Step {
  MetricIntervalLowerBound?: number;
  MetricIntervalUpperBound?: number;
  ScalingAdjustment: number;
}
export interface PolicyTemplate {
  StepScalingPolicyConfiguration: {
    AdjustmentType: 'ChangeInCapacity' | 'ExactCapacity' | 'PercentChangeInCapacity';
    Cooldown: number;
    MetricAggregationType?: 'Maximum' | 'Minimum' | 'Average';
    StepAdjustments: Step[];
  };
}
export interface AlarmTemplate {
  ComparisonOperator: string;
  Threshold: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  TreatMissingData?: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
  Metrics: { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { MetricName: string } } }[];
}
export interface ScalingTemplate {
  readonly min: number;
  readonly max: number;
  readonly policies: readonly { policy: PolicyTemplate; alarm: AlarmTemplate }[];
}

export interface Workload {
  readonly name: string;
  readonly minutes: number;
  /** files arriving: at which second, taking how many seconds of one task's work */
  readonly files: readonly { at: number; seconds: number }[];
  readonly startTasks?: number;
}

export interface Minute {
  readonly minute: number;
  readonly visible: number;
  readonly inFlight: number;
  readonly datapoint: number | undefined;
  readonly alarms: string;
  readonly desired: number;
  readonly running: number;
}

const taskStartSeconds = 60;
const inactiveAfterSeconds = 6 * 3600;
const tick = 5;

function breaches(alarm: AlarmTemplate, value: number): boolean {
  switch (alarm.ComparisonOperator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= alarm.Threshold;
    case 'GreaterThanThreshold':
      return value > alarm.Threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= alarm.Threshold;
    case 'LessThanThreshold':
      return value < alarm.Threshold;
    default:
      return assert.fail(`unexpected operator ${alarm.ComparisonOperator}`);
  }
}

/** The metric an alarm watches, from its metric-math query: the sum of the SQS metrics it names. */
function backlogOf(alarm: AlarmTemplate, visible: number, inFlight: number): number {
  const returned = alarm.Metrics.filter((query) => query.ReturnData !== false);
  assert.equal(returned.length, 1, 'one returned expression');
  const expression = returned[0]?.Expression ?? '';
  let total = 0;
  for (const term of expression.split('+').map((part) => part.trim())) {
    const query = alarm.Metrics.find((candidate) => candidate.Id === term);
    const name = query?.MetricStat?.Metric.MetricName;
    if (name === 'ApproximateNumberOfMessagesVisible') total += visible;
    else if (name === 'ApproximateNumberOfMessagesNotVisible') total += inFlight;
    else assert.fail(`the simulation knows no term "${term}" of "${expression}"`);
  }
  return total;
}

function chooseStep(alarm: AlarmTemplate, policy: PolicyTemplate, value: number): Step | undefined {
  const offset = value - alarm.Threshold;
  const above = alarm.ComparisonOperator.startsWith('GreaterThan');
  return policy.StepScalingPolicyConfiguration.StepAdjustments.find((step) => {
    const lower = step.MetricIntervalLowerBound ?? Number.NEGATIVE_INFINITY;
    const upper = step.MetricIntervalUpperBound ?? Number.POSITIVE_INFINITY;
    return above ? lower <= offset && offset < upper : lower < offset && offset <= upper;
  });
}

export function simulate(scaling: ScalingTemplate, workload: Workload): Minute[] {
  interface Message {
    readonly seconds: number;
    done: number;
    inFlight: boolean;
  }
  interface Task {
    readyAt: number;
    busy?: Message;
  }
  const pending = [...workload.files].sort((a, b) => a.at - b.at);
  const queue: Message[] = [];
  let tasks: Task[] = [];
  let desired = Math.min(scaling.max, Math.max(scaling.min, workload.startTasks ?? scaling.min));
  for (let i = 0; i < desired; i++) tasks.push({ readyAt: 0 });
  // a queue with tasks polling it (or messages in it) is active; a fresh idle one is not
  let lastActivity = desired > 0 ? 0 : -inactiveAfterSeconds - 1;
  const datapoints: ({ visible: number; inFlight: number } | undefined)[] = [];
  const alarmState = scaling.policies.map(() => 'OK');
  const cooldowns = scaling.policies.map(() => ({ outUntil: -1, outTo: -1, inUntil: -1 }));
  const minutes: Minute[] = [];
  let minuteMax = { visible: 0, inFlight: 0 };

  for (let t = 0; t < workload.minutes * 60; t += tick) {
    while (pending[0] && pending[0].at <= t) {
      const file = pending.shift();
      if (file) queue.push({ seconds: file.seconds, done: 0, inFlight: false });
      lastActivity = t;
    }
    // ECS: start or stop tasks toward the desired count (only idle tasks can be stopped)
    if (tasks.length < desired) {
      for (let i = tasks.length; i < desired; i++) tasks.push({ readyAt: t + taskStartSeconds });
    } else if (tasks.length > desired) {
      const excess = tasks.length - desired;
      const stoppable = [...tasks].filter((task) => !task.busy).sort((a, b) => b.readyAt - a.readyAt);
      const stopped = new Set(stoppable.slice(0, excess));
      tasks = tasks.filter((task) => !stopped.has(task));
    }
    // workers: each ready task works on one message at a time
    for (const task of tasks) {
      if (task.readyAt > t) continue;
      lastActivity = t; // a running worker long-polls its queue
      if (task.busy) {
        task.busy.done += tick;
        if (task.busy.done >= task.busy.seconds) {
          queue.splice(queue.indexOf(task.busy), 1);
          task.busy = undefined;
        }
      }
      if (!task.busy) {
        const next = queue.find((message) => !message.inFlight);
        if (next) {
          next.inFlight = true;
          task.busy = next;
        }
      }
    }
    const inFlight = queue.filter((message) => message.inFlight).length;
    const visible = queue.length - inFlight;
    minuteMax = { visible: Math.max(minuteMax.visible, visible), inFlight: Math.max(minuteMax.inFlight, inFlight) };

    if ((t + tick) % 60 !== 0) continue;
    // the minute ends: SQS publishes its datapoint if the queue is active
    const active = t - lastActivity <= inactiveAfterSeconds;
    datapoints.push(active ? minuteMax : undefined);
    minuteMax = { visible: 0, inFlight: 0 };
    const now = t + tick;
    scaling.policies.forEach(({ alarm, policy }, index) => {
      const window = datapoints.slice(-alarm.EvaluationPeriods);
      const values = window.map((point) =>
        point === undefined ? undefined : backlogOf(alarm, point.visible, point.inFlight),
      );
      const missing = alarm.TreatMissingData ?? 'missing';
      const breaching = values.filter((value) =>
        value === undefined ? missing === 'breaching' : breaches(alarm, value),
      ).length;
      const state = breaching >= (alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods) ? 'ALARM' : 'OK';
      alarmState[index] = state;
      if (state !== 'ALARM') return;
      // the action, on entering ALARM and every minute in it
      const present = values.filter((value): value is number => value !== undefined);
      const aggregate =
        present.length === 0
          ? alarm.Threshold
          : policy.StepScalingPolicyConfiguration.MetricAggregationType === 'Minimum'
            ? Math.min(...present)
            : policy.StepScalingPolicyConfiguration.MetricAggregationType === 'Average'
              ? present.reduce((sum, value) => sum + value, 0) / present.length
              : Math.max(...present);
      const step = chooseStep(alarm, policy, aggregate);
      if (!step) return;
      const config = policy.StepScalingPolicyConfiguration;
      const target =
        config.AdjustmentType === 'ExactCapacity'
          ? step.ScalingAdjustment
          : config.AdjustmentType === 'ChangeInCapacity'
            ? desired + step.ScalingAdjustment
            : assert.fail(`the simulation does not model ${config.AdjustmentType}`);
      const next = Math.min(scaling.max, Math.max(scaling.min, target));
      const cooldown = cooldowns[index];
      assert.ok(cooldown);
      if (next > desired) {
        if (now < cooldown.outUntil && next <= cooldown.outTo) return;
        desired = next;
        cooldown.outUntil = now + config.Cooldown;
        cooldown.outTo = next;
        // a scale-out ends every policy's scale-in cooldown
        for (const other of cooldowns) other.inUntil = -1;
      } else if (next < desired) {
        if (now < cooldown.inUntil) return;
        desired = next;
        cooldown.inUntil = now + config.Cooldown;
      }
    });
    const minuteIndex = now / 60;
    const point = datapoints.at(-1);
    minutes.push({
      minute: minuteIndex,
      visible,
      inFlight,
      datapoint: point && point.visible + point.inFlight,
      alarms: alarmState.map((state) => (state === 'ALARM' ? 'A' : '-')).join(''),
      desired,
      running: tasks.filter((task) => task.readyAt <= now).length,
    });
  }
  return minutes;
}

/** The minutes where something changed, as a table (the first and last always shown). */
export function table(workload: Workload, minutes: readonly Minute[], policyNames: readonly string[]): string {
  const lines = [
    `${workload.name}`,
    `  min  visible  in-flight  datapoint  alarms(${policyNames.join(',')})  desired  running`,
  ];
  let previous = '';
  minutes.forEach((minute, index) => {
    const key = `${minute.visible} ${minute.inFlight} ${minute.datapoint} ${minute.alarms} ${minute.desired} ${minute.running}`;
    if (key === previous && index !== minutes.length - 1) return;
    previous = key;
    lines.push(
      `  ${String(minute.minute).padStart(3)}  ${String(minute.visible).padStart(7)}  ${String(minute.inFlight).padStart(9)}  ${String(minute.datapoint ?? 'none').padStart(9)}  ${minute.alarms.padStart(8 + policyNames.join(',').length)}  ${String(minute.desired).padStart(7)}  ${String(minute.running).padStart(7)}`,
    );
  });
  return lines.join('\n');
}
