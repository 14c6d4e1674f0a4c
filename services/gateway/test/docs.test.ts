/**
 * The merged API document: every `$ref` in it resolves, and to the schema the service that
 * documents the operation declared, though every service names its schemas alike (`def-N`).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { serviceForPath } from '@agora/catalogue';
import { createBaseApp } from '@agora/runtime/http';
import { registerOpenApi } from '@agora/runtime/openapi';
import { Page, problemResponses } from '@agora/runtime/schemas';
import { capturedLogger } from '@agora/tools/testing/testing';
import { Type } from 'typebox';
import { apiLinks, withLinks } from '../src/api-links.ts';
import { mergeDocuments, type OpenApiDocument } from '../src/docs.ts';

/** A service's own document, generated as every service's is, from routes with shared schemas. */
async function serviceDocument(
  title: string,
  routes: { path: string; schema: ReturnType<typeof Type.Object>; alsoReturns?: ReturnType<typeof Type.Object> }[],
) {
  const app = await createBaseApp({
    logger: capturedLogger(title).logger,
    corsOrigins: '',
    bodyLimitBytes: 1024,
    rateLimitPerMinute: 100,
    readiness: async () => {},
  });
  after(() => app.close());
  await registerOpenApi(app, { title });
  for (const { path, schema, alsoReturns } of routes) {
    app.get(
      path,
      {
        schema: {
          tags: [title],
          response: { 200: Page(schema), ...(alsoReturns ? { 201: alsoReturns } : {}), ...problemResponses(400) },
        },
      },
      async () => ({ items: [] }),
    );
  }
  await app.ready();
  return app.swagger() as unknown as Partial<OpenApiDocument>;
}

const PublicUser = Type.Object(
  { userId: Type.String(), username: Type.String(), displayName: Type.String() },
  { $id: 'PublicUser' },
);
const StockItem = Type.Object(
  { store: Type.String(), item: Type.String(), count: Type.Integer() },
  { $id: 'StockItem' },
);
const Upload = Type.Object({ uploadId: Type.String(), status: Type.String() }, { $id: 'Upload' });

/** Every `$ref` under `value`, with the JSON path it was found at. */
function refsIn(value: unknown, path = ''): { at: string; ref: string }[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === '$ref' && typeof item === 'string' ? [{ at: path, ref: item }] : refsIn(item, `${path}/${key}`),
  );
}

function resolve(document: Partial<OpenApiDocument>, ref: string): unknown {
  assert.match(ref, /^#\/components\/schemas\/[A-Za-z0-9._-]+$/, `a local, valid component name: ${ref}`);
  return document.components?.schemas?.[ref.slice('#/components/schemas/'.length)];
}

/** A schema with every `$ref` in it replaced by what it points at, in the document it came from. */
function dereferenced(document: Partial<OpenApiDocument>, value: unknown, depth = 0): unknown {
  assert.ok(depth < 20, 'no endless reference chain');
  if (Array.isArray(value)) return value.map((item) => dereferenced(document, item, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const { $ref, ...rest } = value as Record<string, unknown>;
  if (typeof $ref === 'string') return dereferenced(document, resolve(document, $ref), depth + 1);
  return Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, dereferenced(document, item, depth + 1)]));
}

describe('the merged OpenAPI document', async () => {
  const users = await serviceDocument('users', [{ path: '/api/users', schema: PublicUser }]);
  const inventory = await serviceDocument('inventory', [
    { path: '/api/inventory/stores/{store}/items', schema: StockItem, alsoReturns: Upload },
  ]);
  const merged = mergeDocuments([
    { services: ['inventory'], document: inventory },
    { services: ['users'], document: users },
  ]);

  it('is built from documents whose schema names collide (the case it must survive)', () => {
    const userNames = Object.keys(users.components?.schemas ?? {});
    const inventoryNames = Object.keys(inventory.components?.schemas ?? {});
    assert.ok(
      userNames.some((name) => inventoryNames.includes(name)),
      `${userNames} / ${inventoryNames}`,
    );
  });

  it('resolves every $ref to the schema the operation’s own service declared', () => {
    const refs = refsIn(merged.paths);
    assert.ok(refs.length >= 2, `${refs.length} refs walked`);
    for (const { at, ref } of refs) {
      assert.ok(resolve(merged, ref), `${at}: ${ref} resolves`);
    }
    for (const [path, own] of [
      ['/api/users', users],
      ['/api/inventory/stores/{store}/items', inventory],
    ] as const) {
      assert.deepEqual(
        dereferenced(merged, merged.paths[path]),
        dereferenced(own, own.paths?.[path]),
        `${path} reads as its service documented it`,
      );
    }
    for (const { ref } of refsIn(merged.components.schemas)) assert.ok(resolve(merged, ref), ref);
  });
});

describe('links between operations', () => {
  /** The operation a JSON-pointer `operationRef` names, in `paths`. */
  function operationAt(paths: Record<string, Record<string, unknown>>, ref: string): unknown {
    const [, path = '', method = ''] = ref.match(/^#\/paths\/([^/]+)\/([a-z]+)$/) ?? [];
    return paths[path.replaceAll('~1', '/').replaceAll('~0', '~')]?.[method];
  }
  type Paths = Record<string, Record<string, unknown>>;
  const linksOf = (paths: Paths, path: string, method: string, status: string) =>
    (paths[path]?.[method] as { responses?: Record<string, { links?: unknown }> } | undefined)?.responses?.[status]
      ?.links;
  const responses = (status: string) => ({ responses: { [status]: { description: 'ok' } } });
  const paths = {
    '/api/topics': { post: responses('201') },
    '/api/topics/{topicId}': { get: responses('200'), patch: responses('200') },
    '/api/topics/{topicId}/messages': { post: responses('201') },
  };

  it('adds each link whose two operations the document has, pointing at the operation it names', () => {
    const linked = withLinks(paths);
    const links = linksOf(linked, '/api/topics', 'post', '201') as Record<
      string,
      { operationRef: string; parameters: Record<string, string> }
    >;
    assert.deepEqual(Object.keys(links).sort(), ['GetTopic', 'PostMessage', 'UpdateTopic']);
    for (const link of Object.values(links)) {
      assert.ok(operationAt(linked, link.operationRef), `${link.operationRef} resolves`);
      assert.deepEqual(link.parameters, { topicId: '$response.body#/topicId' });
    }
    assert.equal(linksOf(paths, '/api/topics', 'post', '201'), undefined, 'the input is not changed');
  });

  it('leaves out a link to an operation the document lacks (a service that did not answer)', () => {
    const linked = withLinks({ '/api/users': { post: responses('201') } });
    assert.equal(linksOf(linked, '/api/users', 'post', '201'), undefined);
  });

  it('names only operations some service serves, by the catalogue', () => {
    for (const link of apiLinks) {
      for (const { path } of [link.from, link.to]) {
        assert.ok(serviceForPath(path.replace(/\{[^}]+\}/g, 'x')), `${path} is routed`);
      }
    }
  });
});

describe('next-page links', () => {
  it('link each listing to itself with the cursor its answer carried, on the same path', () => {
    const listing = {
      parameters: [
        { in: 'path', name: 'topicId' },
        { in: 'query', name: 'cursor' },
      ],
      responses: { '200': { description: 'a page' } },
    };
    const linked = withLinks({ '/api/topics/{topicId}/messages': { get: listing } });
    const operation = linked['/api/topics/{topicId}/messages']?.get as {
      responses: Record<string, { links?: Record<string, unknown> }>;
    };
    assert.deepEqual(operation.responses['200']?.links, {
      NextPage: {
        operationRef: '#/paths/~1api~1topics~1{topicId}~1messages/get',
        parameters: { 'query.cursor': '$response.body#/nextCursor', 'path.topicId': '$request.path.topicId' },
      },
    });
  });
});
