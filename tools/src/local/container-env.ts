/**
 * What each container of docker-compose.yml learns from the bootstrap: an environment file with
 * the variables the catalogue derives for it (its resources, the dev signing key, where the JWKS
 * and the upstreams are). Containers reach each other by their compose service name, which is the
 * catalogue name, on the catalogue's containerPort.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ServiceDefinition, serviceNamed, services } from '@agora/catalogue';
import type { EmulatorResources } from './bootstrap.ts';
import { serviceEnvironment, type TracesDestination, tracingEnvironment } from './service-env.ts';

/** The file every container's start command reads (Dockerfile.base's CMD); one folder per service. */
export const containerEnvFile = '/run/agora/service.env';

export function containerUrl(service: Pick<ServiceDefinition, 'name' | 'containerPort'>): string {
  return `http://${service.name}:${service.containerPort}`;
}

export function containerEnvironment(
  service: ServiceDefinition,
  deployment: EmulatorResources,
  signingKeyPem: string,
  traces?: TracesDestination,
): Record<string, string> {
  return {
    ...tracingEnvironment(service.name, traces),
    ...serviceEnvironment(service, deployment, { urlOf: (name) => containerUrl(serviceNamed(name)), signingKeyPem }),
  };
}

/** Node's --env-file syntax: double-quoted values may span lines (the PEM key does). */
export function envFileText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      if (value.includes('"')) throw new Error(`${name} holds a double quote, which an env file cannot carry`);
      return `${name}="${value}"\n`;
    })
    .join('');
}

/**
 * Writes <dir>/<service>/service.env for every service in the catalogue; returns the files. With
 * `traces`, every process sends its spans there (compose's `traces` profile).
 */
export async function writeContainerEnvironments(
  dir: string,
  deployment: EmulatorResources,
  signingKeyPem: string,
  traces?: TracesDestination,
): Promise<string[]> {
  const written: string[] = [];
  for (const service of services) {
    const folder = join(dir, service.name);
    await mkdir(folder, { recursive: true });
    const file = join(folder, 'service.env');
    await writeFile(file, envFileText(containerEnvironment(service, deployment, signingKeyPem, traces)), {
      mode: 0o600,
    });
    written.push(file);
  }
  return written;
}
