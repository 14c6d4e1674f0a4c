/**
 * /docs: one OpenAPI document for the whole system, merged from each service's own
 * (/openapi.json, generated from its route schemas), shown with Swagger UI. A path is kept only
 * when the catalogue routes it to the service that documents it, so the document describes what
 * the gateway really serves, in either topology. A service that does not answer is left out and
 * named in `x-unavailable`, and the rest is still served. Every service names its component
 * schemas alike (`def-0`, `def-1`, …), so each document's schemas are namespaced by the services
 * it documents and its `$ref`s rewritten to match: each resolves to the schema its own service
 * declared. Links between operations (api-links.ts) say which answer feeds which next call.
 */
import { serviceForPath } from '@agora/catalogue';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { withLinks } from './api-links.ts';

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  tags?: { name: string }[];
  'x-unavailable'?: string[];
  [extension: string]: unknown;
}

export interface ServiceDocument {
  /** the services served at this upstream (several in monolith mode) */
  readonly services: readonly string[];
  readonly document: Partial<OpenApiDocument>;
}

/** A concrete path for an OpenAPI path template, to match it against ALB patterns. */
function samplePath(template: string): string {
  return template.replace(/\{[^}]+\}/g, 'x');
}

const schemaRefPrefix = '#/components/schemas/';

/** A copy of `value` with every `$ref` to one of `names` pointing at its namespaced name. */
function withNamespacedRefs(value: unknown, rename: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => withNamespacedRefs(item, rename));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(schemaRefPrefix)) {
        const renamed = rename.get(item.slice(schemaRefPrefix.length));
        return [key, renamed ? `${schemaRefPrefix}${renamed}` : item];
      }
      return [key, withNamespacedRefs(item, rename)];
    }),
  );
}

/** One service document with its component schemas renamed `<services>.<name>`, refs to match. */
function namespaced(services: readonly string[], document: Partial<OpenApiDocument>) {
  const namespace = services.join('_').replace(/[^A-Za-z0-9_-]/g, '-');
  const schemas = document.components?.schemas ?? {};
  const rename = new Map(Object.keys(schemas).map((name) => [name, `${namespace}.${name}`]));
  return {
    paths: withNamespacedRefs(document.paths ?? {}, rename) as OpenApiDocument['paths'],
    schemas: Object.fromEntries(
      Object.entries(schemas).map(([name, schema]) => [rename.get(name), withNamespacedRefs(schema, rename)]),
    ),
  };
}

export function mergeDocuments(sources: readonly ServiceDocument[], unavailable: readonly string[] = []) {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Agora',
      version: '0.1.0',
      description: 'Every service behind the load balancer, as the gateway routes them.',
    },
    paths: {},
    components: { schemas: {}, securitySchemes: {} },
  };
  const tags = new Set<string>();
  for (const { services, document } of sources) {
    const { paths, schemas } = namespaced(services, document);
    for (const [path, operations] of Object.entries(paths)) {
      const routedTo = serviceForPath(samplePath(path));
      if (!routedTo || !services.includes(routedTo)) continue;
      merged.paths[path] = { ...merged.paths[path], ...operations };
      for (const operation of Object.values(operations)) {
        for (const tag of ((operation as { tags?: string[] }).tags ?? []) as string[]) tags.add(tag);
      }
    }
    Object.assign(merged.components.schemas, schemas);
    Object.assign(merged.components.securitySchemes, document.components?.securitySchemes);
  }
  merged.paths = withLinks(merged.paths);
  merged.tags = [...tags].sort().map((name) => ({ name }));
  if (unavailable.length > 0) merged['x-unavailable'] = [...unavailable].sort();
  return merged;
}

/** Fetches each distinct upstream's document once. */
export async function collectDocuments(upstreams: ReadonlyMap<string, string>, timeoutMs: number) {
  const byUrl = new Map<string, string[]>();
  for (const [service, url] of upstreams) byUrl.set(url, [...(byUrl.get(url) ?? []), service]);
  const sources: ServiceDocument[] = [];
  const unavailable: string[] = [];
  await Promise.all(
    [...byUrl].map(async ([url, services]) => {
      try {
        const response = await fetch(`${url}/openapi.json`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`status ${response.status}`);
        sources.push({ services, document: (await response.json()) as Partial<OpenApiDocument> });
      } catch {
        unavailable.push(...services);
      }
    }),
  );
  sources.sort((a, b) => String(a.services[0]).localeCompare(String(b.services[0])));
  return mergeDocuments(sources, unavailable);
}

export interface DocsOptions {
  /** one base URL per routed service, as of now (targets come and go) */
  readonly upstreams: () => ReadonlyMap<string, string>;
  readonly timeoutMs: number;
}

/** Swagger UI at /docs, the merged document at /docs/json (fetched afresh for each request of it). */
export async function registerDocs(app: FastifyInstance, options: DocsOptions): Promise<void> {
  let current: OpenApiDocument = mergeDocuments([]);
  await app.register(swagger, { openapi: { info: { title: 'Agora', version: '0.1.0' } }, hideUntagged: true });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true },
    // The page's own scripts and styles pass the security headers' Content-Security-Policy.
    staticCSP: true,
    uiHooks: {
      preHandler: async (request) => {
        if (/\/(json|yaml)$/.test(request.url.split('?')[0] ?? '')) {
          current = await collectDocuments(options.upstreams(), options.timeoutMs);
        }
      },
    },
    transformSpecificationClone: false,
    transformSpecification: () => current,
  });
}
