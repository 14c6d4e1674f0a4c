/**
 * The environment each service process gets: the variables for exactly the resources the
 * catalogue says it uses, the signing key for the service that signs tokens, the JWKS location
 * for those that verify them, and the gateway's upstreams. The local launcher and compose's
 * environment files both use `serviceEnvironment`; CDK fills the same names.
 */

import { environmentResources, resourceById, routes, type ServiceDefinition } from '@agora/catalogue';
import { upstreamVariable } from '@agora/gateway/config';
import type { EmulatorResources } from './bootstrap.ts';

export function resourceEnvironment(service: ServiceDefinition, deployment: EmulatorResources): Record<string, string> {
  const env: Record<string, string> = {};
  for (const id of service.uses.flatMap((use) => environmentResources(use.resource))) {
    const variable = resourceById(id).env;
    const value = deployment.env[variable];
    if (value === undefined) throw new Error(`The deployment has no ${variable} for ${service.name}`);
    env[variable] = value;
  }
  return env;
}

/** Where the other processes are, as seen from the one being configured. */
export interface ServiceLocations {
  /** the base URL at which a catalogue service is reached */
  readonly urlOf: (serviceName: string) => string;
  readonly signingKeyPem: string;
  /**
   * Where verifiers fetch the token issuer's JWKS: by default the issuer itself; the launcher
   * points them at the gateway, the one stable address in front of however many users tasks run.
   */
  readonly issuerUrl?: string;
}

/** The service that signs tokens holds the private key. */
function signsTokens(service: ServiceDefinition): boolean {
  return service.name === 'users';
}

export function serviceEnvironment(
  service: ServiceDefinition,
  deployment: EmulatorResources,
  locations: ServiceLocations,
): Record<string, string> {
  const routed = new Set<string>(routes.map((rule) => rule.service));
  return {
    ...resourceEnvironment(service, deployment),
    ...(signsTokens(service) ? { JWT_PRIVATE_KEY: locations.signingKeyPem } : {}),
    ...(service.verifiesTokens
      ? { JWKS_URL: `${locations.issuerUrl ?? locations.urlOf('users')}/.well-known/jwks.json` }
      : {}),
    ...(service.kind === 'gateway'
      ? Object.fromEntries([...routed].map((name) => [upstreamVariable(name), locations.urlOf(name)]))
      : {}),
  };
}

/** Where a process sends its spans: an OTLP receiver, or the local trace viewer's Zipkin endpoint. */
export type TracesDestination = { readonly otlpEndpoint: string } | { readonly zipkinEndpoint: string };

/** The tracing variables of one process (tracing.ts reads them): its name, and where its spans go when asked. */
export function tracingEnvironment(serviceName: string, traces: TracesDestination | undefined): Record<string, string> {
  if (!traces) return { OTEL_SERVICE_NAME: serviceName };
  const destination: Record<string, string> =
    'otlpEndpoint' in traces
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: traces.otlpEndpoint }
      : { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: traces.zipkinEndpoint };
  // Spans leave within half a second: a developer (or a test) sees a trace as soon as it ends.
  return { OTEL_SERVICE_NAME: serviceName, ...destination, OTEL_BSP_SCHEDULE_DELAY: '500' };
}
