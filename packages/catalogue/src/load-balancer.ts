/**
 * How the load balancer treats each service's targets: the ALB target groups in CDK and the local
 * gateway's target groups use these same numbers (the gateway may shorten them for rehearsals).
 */
export const targetGroupSettings = {
  /** the readiness probe every API service answers (503 once it is shutting down) */
  healthCheckPath: '/ready',
  healthCheckIntervalSeconds: 15,
  healthCheckTimeoutSeconds: 5,
  /** consecutive passing checks before a new target receives traffic */
  healthyThresholdCount: 2,
  /** consecutive failing checks before a target stops receiving traffic */
  unhealthyThresholdCount: 3,
  /**
   * How long a deregistered target keeps its in-flight requests (no new ones) before it is cut
   * off; shorter than the API stop timeout so the ALB stops sending before the task is told to stop.
   */
  deregistrationDelaySeconds: 15,
} as const;
