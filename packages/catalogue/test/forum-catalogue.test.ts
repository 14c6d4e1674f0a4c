import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  apiServices,
  eventRoutes,
  monolith,
  queues,
  routes,
  serviceForPath,
  serviceNamed,
  subscriptions,
} from '../src/index.ts';

describe('routes', () => {
  it('keep within ALB limits: at most 5 patterns a rule, one rule per priority', () => {
    for (const rule of routes) assert.ok(rule.pathPatterns.length <= 5, `rule ${rule.priority}`);
    assert.equal(new Set(routes.map((rule) => rule.priority)).size, routes.length);
  });

  it('route only to API services in the catalogue', () => {
    const names = apiServices().map((service) => service.name);
    for (const rule of routes) assert.ok(names.includes(rule.service), rule.service);
  });

  it('send a topic’s and a user’s messages to the messages service, before the users and topics rules', () => {
    assert.equal(serviceForPath('/api/users/u1/messages'), 'messages');
    assert.equal(serviceForPath('/api/users/u1/messages?cursor=x'), 'messages');
    assert.equal(serviceForPath('/api/users/u1'), 'users');
    assert.equal(serviceForPath('/api/topics/t1/messages'), 'messages');
    assert.equal(serviceForPath('/api/topics/t1'), 'topics');
    assert.equal(serviceForPath('/api/topics'), 'topics');
    assert.equal(serviceForPath('/api/messages/m1'), 'messages');
    assert.equal(serviceForPath('/api/nothing'), undefined);
  });
});

describe('events', () => {
  it('reach the messages queue for renames and topic life, the topics queue for message counts', () => {
    const filter = (queue: string) => subscriptions().find((s) => s.queue === queue)?.filterPolicy.type;
    assert.deepEqual(filter('messagesEventsQueue'), ['user.renamed', 'topic.created', 'topic.deleted']);
    assert.deepEqual(filter('topicsEventsQueue'), ['message.posted', 'message.deleted']);
  });

  it('are consumed only from queues the catalogue defines, by a service that consumes them', () => {
    const queueIds = queues.map((queue) => queue.id as string);
    for (const route of eventRoutes) {
      for (const consumer of route.consumers) {
        assert.ok(queueIds.includes(consumer), consumer);
        const owners = apiServices().filter((s) =>
          s.uses.some((u) => u.resource === consumer && u.access === 'consume'),
        );
        assert.equal(owners.length, 1, `${consumer} has one consuming service`);
      }
    }
  });
});

describe('the monolith', () => {
  it('mounts only API services that exist', () => {
    for (const name of monolith.mounts) assert.equal(serviceNamed(name).kind, 'api');
  });
});
