/**
 * cdk-nag's AwsSolutions pack over the whole app, in every configuration the context allows:
 * no unacknowledged finding, each acknowledgement with a written reason, no acknowledgement
 * that covers nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { platformCatalogue } from '../src/catalogue.ts';
import { acknowledgements } from '../src/nag.ts';
import { catalogueWithWorker, devEndpointsHttpsContext, type Synthesized, synthesize } from './helpers.ts';

const configurations: Record<string, () => Synthesized> = {
  'the real catalogue, defaults': () => synthesize({ catalogue: platformCatalogue() }),
  'with a worker, defaults': () => synthesize({ catalogue: catalogueWithWorker() }),
  'with a worker, without CloudFront (edge=none)': () =>
    synthesize({ catalogue: catalogueWithWorker(), context: { edge: 'none' } }),
  'with a worker, dev, interface endpoints, HTTPS': () =>
    synthesize({
      catalogue: catalogueWithWorker(),
      context: {
        ...devEndpointsHttpsContext,
        connectionArn: 'arn:aws:codeconnections:eu-west-1:123456789012:connection/abc',
      },
    }),
};

const used = new Set<number>();

for (const [name, build] of Object.entries(configurations)) {
  test(`cdk-nag AwsSolutions: ${name}`, () => {
    // The synth itself throws on an unacknowledged error (the report is in the message).
    const built = build();
    assert.deepEqual(built.unacknowledged, [], 'no finding is left unacknowledged');
    const report = JSON.parse(readFileSync(join(built.outdir, 'validation-report.json'), 'utf8'));
    const nag = report.pluginReports.find((plugin: { pluginName: string }) => plugin.pluginName === 'AwsSolutions');
    assert.equal(nag.conclusion, 'success');
    const suppressed = nag.suppressedViolations.flatMap(
      (violation: { violatingConstructs: unknown[] }) => violation.violatingConstructs,
    );
    assert.equal(suppressed.length, built.acknowledged.length, 'every acknowledgement reached the report');
    for (const finding of built.acknowledged) {
      assert.ok(finding.reason.length >= 60, `${finding.id} at ${finding.path} has a written reason`);
      used.add(acknowledgements.findIndex((entry) => entry.reason === finding.reason));
    }
  });
}

test('every acknowledgement covers a finding in some configuration', () => {
  const unused = acknowledgements.filter((_, index) => !used.has(index));
  assert.deepEqual(
    unused.map((entry) => `${entry.finding} at ${entry.at}`),
    [],
  );
});
