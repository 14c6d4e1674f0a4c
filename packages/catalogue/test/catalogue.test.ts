import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  eventRoutes,
  eventSchemas,
  isAppPagePath,
  matchesPathPattern,
  queues,
  resourceById,
  routes,
  rulesInPriorityOrder,
  serviceForPath,
  services,
  subscriptions,
  tables,
  webApp,
} from '../src/index.ts';

describe('ALB path patterns', () => {
  const cases: [string, string, boolean][] = [
    ['/api/users', '/api/users', true],
    ['/api/users', '/api/users/', false],
    ['/api/users/*', '/api/users/abc', true],
    ['/api/users/*', '/api/users/abc/messages', true],
    ['/api/users/*', '/api/users', false],
    ['/api/topics/*/messages', '/api/topics/t1/messages', true],
    ['/api/topics/*/messages', '/api/topics/t1/messages/x', false],
    ['/api/?', '/api/x', true],
    ['/api/?', '/api/xy', false],
    ['/API/users', '/api/users', false],
    ['/a.b', '/aXb', false],
  ];
  for (const [pattern, path, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(matchesPathPattern(pattern, path), expected);
    });
  }

  it('routes by the first matching rule in priority order, ignoring the query string', () => {
    assert.equal(serviceForPath('/api/users?limit=2'), 'users');
    assert.equal(serviceForPath('/.well-known/jwks.json'), 'users');
    assert.equal(serviceForPath('/nowhere'), undefined);
    const priorities = rulesInPriorityOrder().map((rule) => rule.priority);
    assert.deepEqual(
      priorities,
      [...priorities].sort((a, b) => a - b),
    );
  });
});

describe('catalogue consistency', () => {
  it('gives every rule a unique priority, at most 5 patterns, and a known api service', () => {
    const priorities = routes.map((rule) => rule.priority);
    assert.equal(new Set(priorities).size, priorities.length);
    for (const rule of routes) {
      assert.ok(rule.pathPatterns.length >= 1 && rule.pathPatterns.length <= 5);
      const service = services.find((s) => s.name === rule.service);
      assert.equal(service?.kind, 'api', `${rule.service} is an api service`);
    }
  });

  it('lets services use only resources that exist', () => {
    for (const service of services) for (const use of service.uses) assert.ok(resourceById(use.resource));
  });

  it('names every resource and environment variable once', () => {
    const all = [...tables, ...queues].map((resource) => resource.env);
    assert.equal(new Set(all).size, all.length);
  });

  it('derives one filtered subscription per consumer queue from the event routes', () => {
    const subs = subscriptions();
    assert.equal(new Set(subs.map((s) => s.queue)).size, subs.length);
    for (const route of eventRoutes) {
      assert.ok(eventSchemas[route.type]);
      for (const queue of route.consumers) {
        assert.ok(subs.find((s) => s.queue === queue)?.filterPolicy.type.includes(route.type));
        assert.ok(queues.some((q) => q.id === queue));
      }
    }
  });
});

describe('the web app and the API share the site', () => {
  it('routes every API path pattern under a path CloudFront sends to the load balancer', () => {
    const under = (pattern: string) =>
      webApp.originPathPatterns.some(
        (origin) => pattern === origin.slice(0, -2) || pattern.startsWith(origin.slice(0, -1)),
      );
    const outside = routes.flatMap((rule) => rule.pathPatterns.filter((pattern) => !under(pattern)));
    assert.deepEqual(outside, [], 'a route the web app would shadow on AWS');
  });

  it('answers client-side routes with the page, files and assets as files', () => {
    for (const path of ['/', '/topics/abc-1', '/users/u-1', '/inventory', '/sign-in']) {
      assert.equal(isAppPagePath(path), true, path);
    }
    for (const path of ['/assets/index-abc.js', '/assets/x', '/favicon.ico', '/index.html', '/robots.txt']) {
      assert.equal(isAppPagePath(path), false, path);
    }
  });
});
