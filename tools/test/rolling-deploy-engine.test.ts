/**
 * Where a Docker engine answers: the rolling deploy rehearsed under load on the container topology
 * (issue 13, item 6), bounded. Each API service's image is built under one release tag, two
 * containers of each run as their tasks run behind the gateway's target groups, and every one is
 * replaced, one at a time, by a container of the next tag (a different image, as a new commit
 * gives) while a mixed read/write load runs through the gateway. No request may fail, every write
 * that got a 2xx must be there afterwards, every old container must end by itself (exit 0) inside
 * its stop timeout, and nothing of the run may be left on the engine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiServices } from '@agora/catalogue';
import { pinnedImages } from '@agora/tools/install/offline-images';
import { initialRelease, nextRelease, rehearseContainerDeploy } from '@agora/tools/local/rehearsal';
import { engineAbsence } from '@agora/tools/testing/engine';
import { uniquePrefix } from '@agora/tools/testing/testing';

const pinned = await pinnedImages();
const skip = await engineAbsence([pinned.node.tag, pinned.moto.tag]);
const title =
  'a rolling deploy of every API container to a new image tag, under load, fails no request and loses no write';

if (skip) test(title, { skip }, () => {});
else
  test(title, { timeout: 420_000 }, async (t) => {
    const figures = await rehearseContainerDeploy({
      prefix: uniquePrefix('rollc'),
      requestsBefore: 30,
      maxRequestsDuring: 2000,
      maxDurationMs: 240_000,
      concurrency: 2,
      log: (line) => t.diagnostic(line),
    });
    const apis = apiServices().map((service) => service.name);
    const tasks = 2 * apis.length;

    // The load: none failed, every 2xx write read back.
    assert.equal(figures.before.sent, 30);
    assert.ok(figures.during.sent > 0, 'load ran during the rollout');
    assert.deepEqual([...figures.before.failures, ...figures.during.failures], []);
    assert.equal(figures.before.failed + figures.during.failed, 0);
    assert.ok(figures.writes > 0, 'writes were made');
    assert.deepEqual(figures.missing, []);

    // Two releases, a different image of every service in each.
    assert.deepEqual([...figures.releases.keys()], [initialRelease, nextRelease]);
    const first = figures.releases.get(initialRelease) as ReadonlyMap<string, string>;
    const next = figures.releases.get(nextRelease) as ReadonlyMap<string, string>;
    for (const service of apis) {
      assert.ok(first.get(service) && next.get(service), `${service} was built in both releases`);
      assert.notEqual(first.get(service), next.get(service), `${service}'s next release is another image`);
    }

    // Every task replaced, one at a time: each old container drained, then ended by itself.
    assert.equal(figures.replaced.length, tasks, 'every task of every API service was replaced');
    for (const task of figures.replaced) {
      assert.equal(task.exitStatus, 0, `${task.old} exited 0`);
      assert.equal(task.cutOff, 0, `${task.old} had no request cut off by the deregistration delay`);
    }
    assert.equal(figures.stopped.length, tasks);
    for (const stop of figures.stopped) {
      assert.equal(stop.release, initialRelease, `${stop.name} was a container of the first release`);
      assert.equal(stop.exitCode, 0, `${stop.name} exited ${stop.exitCode}`);
      assert.equal(stop.oomKilled, false);
      assert.ok(stop.stopMs < stop.stopTimeoutMs, `${stop.name} stopped in ${stop.stopMs} ms, inside its stop timeout`);
    }

    // What the engine saw: the old containers exited 0, and each was replaced by one running the next image.
    const running = figures.containers.filter((container) => container.running);
    const exited = figures.containers.filter((container) => !container.running);
    assert.equal(figures.containers.length, 2 * tasks);
    assert.deepEqual(
      exited.map((container) => [container.release, container.exitCode]),
      Array.from({ length: tasks }, () => [initialRelease, 0]),
    );
    assert.equal(running.length, tasks);
    for (const container of running) {
      assert.equal(container.release, nextRelease, `${container.name} runs the next release`);
      assert.equal(
        container.imageId,
        next.get(container.service),
        `${container.name} runs ${container.service}:${nextRelease}`,
      );
    }
    for (const service of apis) {
      assert.equal(running.filter((container) => container.service === service).length, 2, `two ${service} tasks run`);
    }

    // Nothing of the run is left: no container, image tag, network or volume.
    assert.deepEqual(figures.leftovers, { containers: [], images: [], networks: [], volumes: [] });
    t.diagnostic(
      `before ${figures.before.sent} requests p50 ${figures.before.p50Ms} p99 ${figures.before.p99Ms} ms; during ${figures.during.sent} p50 ${figures.during.p50Ms} p99 ${figures.during.p99Ms} ms; rollout ${(figures.rolloutMs / 1000).toFixed(1)} s; ${Object.entries(
        figures.timings,
      )
        .map(([step, seconds]) => `${step} ${seconds.toFixed(1)} s`)
        .join(', ')}`,
    );
  });
