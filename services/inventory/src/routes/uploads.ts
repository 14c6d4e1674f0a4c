/**
 * /api/inventory/uploads: a CSV file streamed to S3 (never held whole in memory), and its status.
 * Uploading needs the inventory-manager role. The object carries the upload id in its metadata,
 * which is how the worker ties the S3 event back to this upload.
 */

import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { requireRole } from '@agora/runtime/auth';
import { newId } from '@agora/runtime/ids';
import { HttpProblem, problems } from '@agora/runtime/problem';
import { bearerAuth, problemResponses } from '@agora/runtime/schemas';
import { currentTraceCarrier } from '@agora/runtime/trace-context';
import type { S3Client } from '@aws-sdk/client-s3';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { uploadIdMetadata } from '../upload-metadata.ts';
import type { UploadsRepo } from '../uploads-repo.ts';
import { UploadSchema } from './schemas.ts';

export const inventoryManagerRole = 'inventory-manager';

/** The multipart body as the API document describes it: one file part holding the CSV. */
const UploadBody = Type.Object(
  {
    file: Type.String({
      format: 'binary',
      contentMediaType: 'text/csv',
      description: 'the stock file: a header row store,item,count, then one row per item',
    }),
  },
  { required: ['file'] },
);
/**
 * The S3 SDK (client-s3, lib-storage and what they load, ~0.4 MB of source) is loaded at the
 * first upload, not at start: a task that scales out serves its stock reads without it, ready
 * with less memory. require(), as aws.ts loads the clients: the aws-sdk instrumentation patches
 * the SDK's modules as they are required.
 */
const load = createRequire(import.meta.url);
let uploadClass: typeof import('@aws-sdk/lib-storage').Upload | undefined;
function s3Upload(): typeof import('@aws-sdk/lib-storage').Upload {
  uploadClass ??= (load('@aws-sdk/lib-storage') as typeof import('@aws-sdk/lib-storage')).Upload;
  return uploadClass;
}

/** Room for the multipart envelope around the file itself. */
const envelopeBytes = 64 * 1024;

export interface UploadRoutesOptions {
  readonly uploads: UploadsRepo;
  /** the S3 client, asked for at the first upload */
  readonly s3: () => S3Client;
  readonly bucket: string;
  readonly limitBytes: number;
}

function tooLarge(limitBytes: number): HttpProblem {
  return new HttpProblem(413, `The file is larger than the limit of ${limitBytes} bytes`, {
    type: 'urn:agora:problem:too-large',
  });
}

/**
 * The multipart parser's own errors (a part without headers, a body cut short, a missing name)
 * are the client's: a 400 problem naming what the parser found, never a 500.
 */
function malformed(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const message = error instanceof Error ? error.message : String(error);
  return problems.badRequest(`The multipart/form-data body is malformed: ${message.slice(0, 200)}`);
}

/** A safe last path segment for the object key: no slashes, no control characters. */
function safeFileName(name: string | undefined): string {
  const cleaned = basename((name ?? '').replace(/\\/g, '/'))
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200);
  return cleaned || 'upload.csv';
}

export const uploadRoutes: FastifyPluginAsyncTypebox<UploadRoutesOptions> = async (app, options) => {
  const { uploads, s3, bucket, limitBytes } = options;
  await app.register(multipart, {
    limits: { fileSize: limitBytes, files: 1, fields: 10, parts: 12, fieldSize: 1024 },
    throwFileSizeLimit: false,
  });

  app.post(
    '/api/inventory/uploads',
    {
      onRequest: [app.authenticate, requireRole(inventoryManagerRole)],
      // The body is documented, not parsed before the handler: the handler streams the file part
      // to S3 and refuses a body without one itself (a 400 problem), so nothing is validated here.
      validatorCompiler: () => (value) => ({ value }),
      schema: {
        tags: ['inventory'],
        summary: 'Upload a stock file (multipart/form-data, one file part: CSV with store,item,count)',
        security: bearerAuth,
        consumes: ['multipart/form-data'],
        body: UploadBody,
        response: {
          202: Type.Object({ uploadId: Type.String(), status: Type.Literal('received'), location: Type.String() }),
          ...problemResponses(400, 401, 403, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > limitBytes + envelopeBytes) throw tooLarge(limitBytes);
      if (!request.isMultipart()) throw new HttpProblem(415, 'Send the file as multipart/form-data', {});
      // The multipart parser throws a bare error for a missing boundary: answer it here, as a 400.
      if (!/;\s*boundary=/i.test(request.headers['content-type'] ?? '')) {
        throw problems.badRequest('The multipart/form-data Content-Type has no boundary');
      }
      let part: Awaited<ReturnType<typeof request.file>>;
      try {
        part = await request.file();
      } catch (error) {
        throw malformed(error);
      }
      if (!part) throw problems.badRequest('The request has no file part');
      // The body is parsed as it streams: a malformation past the part's headers surfaces here.
      let bodyError: unknown;
      part.file.once('error', (error) => {
        bodyError = error;
      });

      const uploadId = newId();
      const fileName = safeFileName(part.filename);
      const key = `uploads/${uploadId}/${fileName}`;
      await uploads.create({
        uploadId,
        status: 'received',
        source: 'api',
        bucket,
        s3Key: key,
        fileName,
        uploadedBy: request.user.sub,
        receivedAt: new Date().toISOString(),
      });

      // The multipart parser ends a file cut at the limit like a whole one (and says so with
      // `truncated`): fail the stream at its end instead, so the upload to S3 is aborted and no
      // object (and no S3 event for the workers) ever exists for a file that is too large.
      const withinLimit = new Transform({
        transform: (chunk, _encoding, done) => done(null, chunk),
        flush: (done) => done(part.file.truncated ? tooLarge(limitBytes) : null),
      });
      part.file.pipe(withinLimit);
      // pipe() does not pass errors on: without this, a body cut short leaves the S3 upload waiting
      part.file.once('error', (error) => withinLimit.destroy(error));
      const S3Upload = s3Upload();
      const transfer = new S3Upload({
        client: s3(),
        params: {
          Bucket: bucket,
          Key: key,
          Body: withinLimit,
          ContentType: 'text/csv',
          // the request's trace, which the worker's spans for this file continue
          Metadata: { ...currentTraceCarrier(), [uploadIdMetadata]: uploadId },
        },
        queueSize: 2,
        leavePartsOnError: false,
      });
      let eTag: string | undefined;
      try {
        const done = await transfer.done();
        eTag = done.ETag?.replaceAll('"', '');
      } catch (error) {
        const tooBig = part.file.truncated;
        await uploads.fail(uploadId, tooBig ? 'The file was larger than the limit' : 'The upload did not complete');
        if (tooBig) throw tooLarge(limitBytes);
        if (bodyError) throw malformed(bodyError);
        throw error;
      }
      await uploads.recordObject(uploadId, { size: part.file.bytesRead, eTag });
      request.log.info({ uploadId, key, bytes: part.file.bytesRead }, 'stock file uploaded');
      const location = `/api/inventory/uploads/${uploadId}`;
      return reply.code(202).header('location', location).send({ uploadId, status: 'received', location });
    },
  );

  app.get(
    '/api/inventory/uploads/:uploadId',
    {
      onRequest: [app.authenticate, requireRole(inventoryManagerRole)],
      schema: {
        tags: ['inventory'],
        summary: 'An upload’s status: rows accepted and rejected, the first 100 rejected rows, times',
        security: bearerAuth,
        params: Type.Object({ uploadId: Type.String({ pattern: '^[0-9a-f-]{36}$' }) }),
        response: { 200: UploadSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const upload = await uploads.find(request.params.uploadId);
      if (!upload) throw problems.notFound(`No upload ${request.params.uploadId}`);
      return { ...upload, rejectedRows: upload.rejectedRows ?? [] };
    },
  );
};
