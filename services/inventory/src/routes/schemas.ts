/** Response shapes the inventory routes share. */
import { Type } from 'typebox';

export const StockItemSchema = Type.Object(
  {
    store: Type.String(),
    item: Type.String(),
    count: Type.Integer({ minimum: 0 }),
    updatedAt: Type.String({ format: 'date-time' }),
    uploadId: Type.String({ description: 'the upload that set this count' }),
  },
  { $id: 'StockItem' },
);

export const UploadSchema = Type.Object(
  {
    uploadId: Type.String(),
    status: Type.Union([
      Type.Literal('received'),
      Type.Literal('processing'),
      Type.Literal('done'),
      Type.Literal('failed'),
    ]),
    source: Type.Union([Type.Literal('api'), Type.Literal('bucket')]),
    fileName: Type.Optional(Type.String()),
    size: Type.Optional(Type.Integer()),
    store: Type.Optional(Type.String({ description: 'the store, when the file held exactly one' })),
    rowsAccepted: Type.Optional(Type.Integer()),
    rowsRejected: Type.Optional(Type.Integer()),
    rejectedRows: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() }), {
      description: 'the first 100 rejected rows',
    }),
    failureReason: Type.Optional(Type.String()),
    receivedAt: Type.String({ format: 'date-time' }),
    startedAt: Type.Optional(Type.String({ format: 'date-time' })),
    finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { $id: 'Upload' },
);
