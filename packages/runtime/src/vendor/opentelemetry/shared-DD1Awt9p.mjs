// Bundled by tools/src/install/bundled-packages.ts from the packages ../manifest.json lists under "opentelemetry": do not edit.
// node_modules/@opentelemetry/semantic-conventions/dist/stable_metrics.mjs
/**
* Duration of HTTP client requests.
*/
const METRIC_HTTP_CLIENT_REQUEST_DURATION = "http.client.request.duration";
/**
* Duration of HTTP server requests.
*/
const METRIC_HTTP_SERVER_REQUEST_DURATION = "http.server.request.duration";
export { METRIC_HTTP_SERVER_REQUEST_DURATION as n, METRIC_HTTP_CLIENT_REQUEST_DURATION as t };
