/**
 * The web app as it is served: on AWS its built files live in S3 behind CloudFront, which sends
 * the API's paths to the load balancer; locally the gateway does both, the same way. Both read
 * this one description (the CDK web stack, the gateway's static serving).
 */

/** What the browser may load and run on the app's pages: its own origin only, nothing inline. */
export const webContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const webApp = {
  /** the paths CloudFront forwards to the load balancer (uncached); every route rule lies under one */
  originPathPatterns: ['/api/*', '/.well-known/*'],
  /** Vite's output folder for hashed files: a name never changes meaning, so they are cached for good */
  assetPrefix: '/assets/',
  assetCacheControl: 'public, max-age=31536000, immutable',
  /** the page names the current hashed files: every visit asks again (a 304 when unchanged) */
  pageCacheControl: 'no-cache',
  page: '/index.html',
} as const;

/**
 * Whether a path is one of the app's own pages (client-side routes such as /topics/abc): any
 * path whose last segment has no dot, outside the asset folder. Those are answered with the
 * page; anything else is a file, or a 404. The CloudFront function in infra/src/web-stack.ts
 * applies the same rule (its test runs both on the same paths).
 */
export function isAppPagePath(path: string): boolean {
  if (path.startsWith(webApp.assetPrefix)) return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}
