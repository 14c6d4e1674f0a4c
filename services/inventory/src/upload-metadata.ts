/**
 * What the upload route writes on each stored object and the worker reads back: the contract
 * between the inventory API and its worker, so neither imports the other's modules.
 */

/** The S3 object metadata key carrying the upload id the API answered with (202 Location). */
export const uploadIdMetadata = 'upload-id';

/**
 * The upload request's trace travels with the object too (W3C `traceparent`, `tracestate` keys,
 * see @agora/runtime/trace-context): the worker's spans for the file continue that trace.
 */
