/**
 * The gateway needs the targets of each service the catalogue routes to: UPSTREAM_<NAME>_URL,
 * one base URL or several separated by commas (the target group's initial targets; the control
 * API registers more). The schema is derived from the catalogue, so a new routed service is a
 * required variable here. The target groups' health checks and deregistration delay default to
 * the ALB's (the catalogue's); rehearsals shorten them.
 */

import { routes, targetGroupSettings } from '@agora/catalogue';
import { httpServiceConfig } from '@agora/runtime/config';
import { type Static, type TSchema, Type } from 'typebox';
import { defaultLimits } from './app.ts';
import type { TargetGroupSettings } from './target-group.ts';

export function upstreamVariable(service: string): string {
  return `UPSTREAM_${service.toUpperCase().replace(/-/g, '_')}_URL`;
}

const routedServices = [...new Set(routes.map((rule) => rule.service))];

const upstreams: Record<string, TSchema> = Object.fromEntries(
  routedServices.map((service) => [
    upstreamVariable(service),
    Type.String({ pattern: '^https?://[^,\\s]+(,https?://[^,\\s]+)*$' }),
  ]),
);

const milliseconds = (seconds: number) => seconds * 1000;

export const gatewayConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: httpServiceConfig.LOG_LEVEL,
  /** How long an upstream may take to answer before the gateway gives up with 504 (the ALB's idle timeout is 60 s). */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 60000 }),
  SHUTDOWN_TIMEOUT_MS: httpServiceConfig.SHUTDOWN_TIMEOUT_MS,
  /** Requests one service may have in progress at once; more wait up to QUEUE_TIMEOUT_MS, then 503. */
  MAX_REQUESTS_PER_SERVICE: Type.Integer({ minimum: 1, default: defaultLimits.requestsPerService }),
  /** Long-lived streams (server-sent events) one service may hold open; they never take request slots. */
  MAX_STREAMS_PER_SERVICE: Type.Integer({ minimum: 1, default: defaultLimits.streamsPerService }),
  QUEUE_TIMEOUT_MS: Type.Integer({ minimum: 1, default: defaultLimits.queueTimeoutMs }),
  HEALTH_CHECK_INTERVAL_MS: Type.Integer({
    minimum: 10,
    default: milliseconds(targetGroupSettings.healthCheckIntervalSeconds),
  }),
  HEALTH_CHECK_TIMEOUT_MS: Type.Integer({
    minimum: 10,
    default: milliseconds(targetGroupSettings.healthCheckTimeoutSeconds),
  }),
  HEALTHY_THRESHOLD: Type.Integer({ minimum: 1, default: targetGroupSettings.healthyThresholdCount }),
  UNHEALTHY_THRESHOLD: Type.Integer({ minimum: 1, default: targetGroupSettings.unhealthyThresholdCount }),
  DEREGISTRATION_DELAY_MS: Type.Integer({
    minimum: 0,
    default: milliseconds(targetGroupSettings.deregistrationDelaySeconds),
  }),
  /** The target-group control API (register, deregister, describe), on loopback only; unset: none. */
  CONTROL_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  ...upstreams,
});

export type GatewayConfig = Static<typeof gatewayConfigSchema> & Record<string, unknown>;

/** Each routed service's initial targets. */
export function upstreamsFrom(config: Record<string, unknown>): Map<string, string[]> {
  return new Map(routedServices.map((service) => [service, String(config[upstreamVariable(service)]).split(',')]));
}

export function targetGroupSettingsFrom(config: GatewayConfig): TargetGroupSettings {
  return {
    healthCheckPath: targetGroupSettings.healthCheckPath,
    healthCheckIntervalMs: config.HEALTH_CHECK_INTERVAL_MS,
    healthCheckTimeoutMs: config.HEALTH_CHECK_TIMEOUT_MS,
    healthyThresholdCount: config.HEALTHY_THRESHOLD,
    unhealthyThresholdCount: config.UNHEALTHY_THRESHOLD,
    deregistrationDelayMs: config.DEREGISTRATION_DELAY_MS,
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
  };
}
