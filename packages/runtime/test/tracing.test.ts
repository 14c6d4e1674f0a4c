/** Tracing's settings from the standard OTEL_* variables, and the instrument module's start-up. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tracingSettingsFrom } from '../src/tracing.ts';

describe('tracing settings', () => {
  test('off unless an exporter is configured, and off when the SDK is disabled', () => {
    assert.equal(tracingSettingsFrom({}), undefined);
    assert.equal(
      tracingSettingsFrom({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }),
      undefined,
    );
    assert.equal(
      tracingSettingsFrom({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }),
      undefined,
    );
  });

  test('OTLP: the traces path appended to the endpoint, or the traces endpoint as given; sampling as asked', () => {
    assert.deepEqual(
      tracingSettingsFrom({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/',
        OTEL_SERVICE_NAME: 'users',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.05',
      }),
      {
        exporter: 'otlp',
        tracesUrl: 'http://127.0.0.1:4318/v1/traces',
        serviceName: 'users',
        sampler: 'parentbased_traceidratio',
        ratio: 0.05,
        batchDelayMs: 5000,
      },
    );
    assert.equal(
      tracingSettingsFrom({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom' })?.tracesUrl,
      'http://collector:4318/custom',
    );
    assert.equal(
      tracingSettingsFrom({
        OTEL_TRACES_EXPORTER: 'zipkin',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://127.0.0.1:9411/api/v2/spans',
      })?.exporter,
      'zipkin',
    );
  });

  test('a bad value is refused, naming the variable', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    assert.throws(
      () => tracingSettingsFrom({ ...endpoint, OTEL_TRACES_SAMPLER: 'sometimes' }),
      /OTEL_TRACES_SAMPLER must be one of/,
    );
    assert.throws(() => tracingSettingsFrom({ ...endpoint, OTEL_TRACES_SAMPLER_ARG: '2' }), /OTEL_TRACES_SAMPLER_ARG/);
    assert.throws(() => tracingSettingsFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }), /not an http\(s\) URL/);
    assert.throws(() => tracingSettingsFrom({ OTEL_TRACES_EXPORTER: 'jaeger' }), /OTEL_TRACES_EXPORTER must be/);
  });

  test('the instrument module stops a process with a bad setting with one clear line, and lets a good one run', () => {
    const instrument = fileURLToPath(new URL('../src/instrument.ts', import.meta.url));
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [`--import=${instrument}`, '-e', 'console.log("app ran")'], {
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const bad = run({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER: 'sometimes' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^Invalid configuration: OTEL_TRACES_SAMPLER must be one of/);
    assert.doesNotMatch(bad.stdout, /app ran/);
    const good = run({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SERVICE_NAME: 'probe' });
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stdout, /app ran/);
  });
});
