/**
 * The load balancer's listener rules. CDK turns each entry into an ALB listener rule, the local
 * gateway and the compose gateway route with the same list, in the same priority order.
 *
 * Patterns follow ALB path-pattern semantics: case-sensitive, `*` matches any run of characters
 * (slashes included), `?` matches exactly one; the query string is not part of the path.
 * A rule holds at most 5 patterns (an ALB limit). Every pattern lies under one of the web app's
 * origin paths (web.ts): the rest of the site is the web app, served from S3 (the gateway locally).
 */
export interface RouteRule {
  readonly priority: number;
  readonly service: string;
  readonly pathPatterns: readonly string[];
}

export const routes = [
  {
    // Before users (20) and topics (30): a user's messages and a topic's messages live here.
    priority: 10,
    service: 'messages',
    pathPatterns: ['/api/users/*/messages', '/api/topics/*/messages', '/api/messages', '/api/messages/*'],
  },
  {
    priority: 20,
    service: 'users',
    pathPatterns: ['/api/users', '/api/users/*', '/api/auth/*', '/.well-known/jwks.json'],
  },
  {
    priority: 30,
    service: 'topics',
    pathPatterns: ['/api/topics', '/api/topics/*'],
  },
  {
    priority: 40,
    service: 'inventory',
    pathPatterns: ['/api/inventory', '/api/inventory/*'],
  },
] as const satisfies readonly RouteRule[];

const byPriority: readonly RouteRule[] = [...routes].sort((a, b) => a.priority - b.priority);

/** Rules sorted as the ALB evaluates them: lowest priority number first (sorted once). */
export function rulesInPriorityOrder(): readonly RouteRule[] {
  return byPriority;
}

/** Whether `path` (no query string) matches an ALB path pattern. */
export function matchesPathPattern(pattern: string, path: string): boolean {
  const regex = patternCache.get(pattern) ?? compilePattern(pattern);
  return regex.test(path);
}

const patternCache = new Map<string, RegExp>();

function compilePattern(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map((char) => {
      if (char === '*') return '.*';
      if (char === '?') return '.';
      return char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    })
    .join('');
  const regex = new RegExp(`^${source}$`, 's');
  patternCache.set(pattern, regex);
  return regex;
}

/** The service that serves `path`, or undefined when no rule matches (the ALB's default action). */
export function serviceForPath(path: string): string | undefined {
  const pathOnly = path.split('?')[0] ?? path;
  for (const rule of rulesInPriorityOrder()) {
    if (rule.pathPatterns.some((pattern) => matchesPathPattern(pattern, pathOnly))) {
      return rule.service;
    }
  }
  return undefined;
}
