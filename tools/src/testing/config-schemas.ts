/**
 * Finds a service's config schema by convention, so parity checks read the schema itself:
 * the service's workspace exports "./config", which exports `<camelCaseName>ConfigSchema`
 * (users → usersConfigSchema, inventory-worker → inventoryWorkerConfigSchema).
 */
import { readFile } from 'node:fs/promises';
import type { ServiceDefinition } from '@agora/catalogue';
import type { ConfigSchema } from '@agora/runtime/config';
import { repoRoot } from '../paths.ts';

export function configSchemaExportName(serviceName: string): string {
  const camel = serviceName.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
  return `${camel}ConfigSchema`;
}

export async function configSchemaOf(service: ServiceDefinition): Promise<ConfigSchema> {
  const manifest = JSON.parse(await readFile(`${repoRoot}services/${service.workspace}/package.json`, 'utf8'));
  if (!manifest.exports?.['./config']) {
    throw new Error(`services/${service.workspace}/package.json does not export "./config" (the config schema)`);
  }
  const module = (await import(`${manifest.name}/config`)) as Record<string, unknown>;
  const name = configSchemaExportName(service.name);
  const schema = module[name] as ConfigSchema | undefined;
  if (!schema?.properties) throw new Error(`${manifest.name}/config does not export ${name}`);
  return schema;
}
