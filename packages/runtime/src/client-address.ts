/**
 * Which address a request comes from: the one place that decides it (every per-client limit,
 * Fastify's own and the shared ones, keys on `request.ip`, which this sets).
 *
 * Each proxy in front of a service appends the address it was reached from to X-Forwarded-For,
 * so the list reads client-supplied entries first, then one entry per proxy hop. Only the
 * entries our own proxies appended can be believed: with `hops` trusted proxies (1 behind the
 * load balancer or the local gateway, 2 behind CloudFront and the load balancer) the client is
 * the `hops`-th entry from the right, and anything left of it (the client's own X-Forwarded-For)
 * never counts. The hops hold only while nothing but those proxies can reach the service: on
 * AWS the load balancer accepts only CloudFront's origin-facing addresses (services-stack.ts).
 */

/** Fastify's `trustProxy`: the socket peer and the next `hops - 1` X-Forwarded-For entries are proxies. */
export function trustedProxyHops(hops: number): (address: string, hop: number) => boolean {
  if (!Number.isInteger(hops) || hops < 1) throw new Error(`trusted proxy hops must be an integer >= 1, not ${hops}`);
  return (_address, hop) => hop < hops;
}
