/**
 * The gateway needs one upstream URL per service the catalogue routes to: UPSTREAM_<NAME>_URL.
 * The schema is derived from the catalogue, so a new routed service is a required variable here.
 */

import { routes } from '@agora/catalogue';
import { httpServiceConfig } from '@agora/runtime/config';
import { type Static, type TSchema, Type } from 'typebox';

export function upstreamVariable(service: string): string {
  return `UPSTREAM_${service.toUpperCase().replace(/-/g, '_')}_URL`;
}

const routedServices = [...new Set(routes.map((rule) => rule.service))];

const upstreams: Record<string, TSchema> = Object.fromEntries(
  routedServices.map((service) => [upstreamVariable(service), Type.String({ pattern: '^https?://' })]),
);

export const gatewayConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: httpServiceConfig.LOG_LEVEL,
  /** How long an upstream may take to answer before the gateway gives up with 504 (the ALB's idle timeout is 60 s). */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 60000 }),
  SHUTDOWN_TIMEOUT_MS: httpServiceConfig.SHUTDOWN_TIMEOUT_MS,
  ...upstreams,
});

export type GatewayConfig = Static<typeof gatewayConfigSchema> & Record<string, unknown>;

export function upstreamsFrom(config: Record<string, unknown>): Map<string, string> {
  return new Map(routedServices.map((service) => [service, String(config[upstreamVariable(service)])]));
}
