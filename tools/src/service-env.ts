/**
 * The environment each service process gets: the variables for exactly the resources the
 * catalogue says it uses, plus its port and the JWKS location. The local launcher uses this;
 * compose and CDK fill the same names.
 */

import { resourceById, type ServiceDefinition } from '@agora/platform/catalogue';
import type { Deployment } from './bootstrap.ts';

export function resourceEnvironment(service: ServiceDefinition, deployment: Deployment): Record<string, string> {
  const env: Record<string, string> = {};
  for (const use of service.uses) {
    const variable = resourceById(use.resource).env;
    const value = deployment.env[variable];
    if (value === undefined) throw new Error(`The deployment has no ${variable} for ${service.name}`);
    env[variable] = value;
  }
  return env;
}
