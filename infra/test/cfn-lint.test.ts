/**
 * cfn-lint (pinned in infra/requirements.txt, run from the project venv) over every synthesized
 * template: no errors. Warnings are reported, not failed on (CDK's own constructs emit a few,
 * such as W3005, a DependsOn already implied by a reference).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { platformCatalogue } from '../src/catalogue.ts';
import { cfnLint } from './cfn-lint.ts';
import { catalogueWithWorker, devEndpointsHttpsContext, synthesize } from './helpers.ts';

const configurations = {
  'the real catalogue, defaults': () => synthesize({ catalogue: platformCatalogue() }),
  'with a worker, dev, interface endpoints, HTTPS': () =>
    synthesize({
      catalogue: catalogueWithWorker(),
      context: { ...devEndpointsHttpsContext, 'email:stockAlerts': 'ops@example.com' },
    }),
};

// One cfn-lint run over every configuration's templates: its start-up (loading the resource
// schemas) is most of its time, and the suite runs on two shared cores.
const built = Object.entries(configurations).map(([name, build]) => ({ name, built: build() }));
const matches = cfnLint(built.flatMap((entry) => entry.built.templateFiles));

for (const { name, built: synthesized } of built) {
  // cfn-lint is a slow real tool: on two shared cores under the whole suite it needs more than the default 120 s.
  test(`cfn-lint finds no error in any template: ${name}`, { timeout: 600_000 }, async (t) => {
    assert.equal(synthesized.templateFiles.length, 6, 'network, data, registry, services, pipeline, web');
    const files = new Set(synthesized.templateFiles);
    const own = (await matches).filter((match) => files.has(match.Filename));
    const errors = own.filter((match) => match.Level === 'Error');
    const warnings = own.filter((match) => match.Level === 'Warning');
    t.diagnostic(`${synthesized.templateFiles.length} templates, ${errors.length} errors, ${warnings.length} warnings`);
    assert.deepEqual(
      errors.map((match) => `${match.Rule.Id} ${match.Filename} ${match.Location.Path?.join('/')}: ${match.Message}`),
      [],
    );
  });
}

test('cfn-lint does report an error in a broken template (the check can fail)', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'agora-lint-')), 'broken.template.json');
  writeFileSync(
    file,
    JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'soon' } } } }),
  );
  const matches = await cfnLint([file]);
  assert.ok(matches.some((match) => match.Level === 'Error'));
});
