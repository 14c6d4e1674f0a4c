/** Stock queries: the stores, a store's items (optionally only those out of stock), one item across stores. */

import { readPage } from '@agora/runtime/paging';
import { bearerAuth, Page, PageQuery, problemResponses } from '@agora/runtime/schemas';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { InventoryRepo } from '../inventory-repo.ts';
import type { UploadsRepo } from '../uploads-repo.ts';
import { StockItemSchema } from './schemas.ts';

const Name = Type.String({ minLength: 1, maxLength: 256 });

export interface StockRoutesOptions {
  readonly inventory: InventoryRepo;
  readonly uploads: UploadsRepo;
}

export const stockRoutes: FastifyPluginAsyncTypebox<StockRoutesOptions> = async (app, { inventory, uploads }) => {
  app.get(
    '/api/inventory/stores',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['inventory'],
        summary: 'The stores that have loaded stock, by name',
        security: bearerAuth,
        querystring: PageQuery,
        response: { 200: Page(Type.Object({ store: Type.String() })), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const page = await readPage(request.query, ({ limit, cursor }) => uploads.listStores(limit, cursor));
      return { ...page, items: page.items.map((store) => ({ store })) };
    },
  );

  app.get(
    '/api/inventory/stores/:store/items',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['inventory'],
        summary: 'A store’s items by name; `outOfStock=true` for only those at zero',
        security: bearerAuth,
        params: Type.Object({ store: Name }),
        querystring: Type.Object(
          { ...PageQuery.properties, outOfStock: Type.Optional(Type.Boolean({ default: false })) },
          { additionalProperties: false },
        ),
        response: { 200: Page(StockItemSchema), ...problemResponses(400, 401) },
      },
    },
    async (request) =>
      readPage(request.query, (page) =>
        inventory.listStoreItems(request.params.store, { ...page, outOfStockOnly: request.query.outOfStock }),
      ),
  );

  app.get(
    '/api/inventory/items/:item',
    {
      onRequest: [app.authenticate],
      schema: {
        tags: ['inventory'],
        summary: 'One item in every store that has it, by store',
        security: bearerAuth,
        params: Type.Object({ item: Name }),
        querystring: PageQuery,
        response: { 200: Page(StockItemSchema), ...problemResponses(400, 401) },
      },
    },
    async (request) => readPage(request.query, (page) => inventory.listItemAcrossStores(request.params.item, page)),
  );
};
