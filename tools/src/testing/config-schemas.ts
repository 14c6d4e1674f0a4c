/**
 * Finds a service's config schema by convention, so parity checks read the schema itself:
 * `config.ts` beside the service's entry file exports `<camelCaseName>ConfigSchema`
 * (users: src/config.ts → usersConfigSchema; inventory-worker: src/worker/config.ts →
 * inventoryWorkerConfigSchema). Beside the entry, so one process's config never makes another's
 * import its modules.
 */
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServiceDefinition } from '@agora/catalogue';
import type { ConfigSchema } from '@agora/runtime/config';
import { repoRoot } from '../paths.ts';

export function configSchemaExportName(serviceName: string): string {
  const camel = serviceName.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
  return `${camel}ConfigSchema`;
}

export async function configSchemaOf(service: ServiceDefinition): Promise<ConfigSchema> {
  const file = `${repoRoot}services/${service.workspace}/${dirname(service.entry)}/config.ts`;
  await access(file).catch(() => {
    throw new Error(`${service.name}: no config.ts beside its entry (${file}) exports its config schema`);
  });
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const name = configSchemaExportName(service.name);
  const schema = module[name] as ConfigSchema | undefined;
  if (!schema?.properties) throw new Error(`${file} does not export ${name}`);
  return schema;
}
