/**
 * Which way imports may point, checked by dependency-cruiser in `npm test` (npm run check):
 *   services → runtime → catalogue;  tools and infra → catalogue;  nothing imports upwards.
 * tools/test/dependency-rules.test.ts shows each rule failing on a forbidden import.
 * Paths are relative to the repository root; `src` means what a deployable or library runs
 * (src/, bin/, web/), as opposed to its tests, benchmarks and fixtures.
 */
const src = '^(packages|services)/[^/]+/(src|web)/|^infra/(src|bin)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'catalogue-is-data',
      comment: 'The catalogue is data (no I/O, no runtime): everyone reads it, it reads nobody but typebox.',
      severity: 'error',
      from: { path: '^packages/catalogue/src/' },
      to: { pathNot: ['^packages/catalogue/', 'node_modules/typebox/'] },
    },
    {
      name: 'runtime-below-services',
      comment: 'The runtime serves every service; it never imports a service, the tools, infra or the dashboard.',
      severity: 'error',
      from: { path: '^packages/runtime/src/' },
      to: { path: '^(services|tools|infra|packages/dashboard)/' },
    },
    {
      name: 'libraries-below-services',
      comment: 'Libraries (packages/) never import a deployable (services/).',
      severity: 'error',
      from: { path: '^packages/[^/]+/(src|web)/' },
      to: { path: '^services/' },
    },
    {
      name: 'services-apart',
      comment:
        'A service never imports another service: they learn of each other through events and HTTP. ' +
        'The monolith is the one deployable made of the forum services.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/', pathNot: '^services/forum-monolith/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'api-apart-from-worker',
      comment: "The inventory API and its worker are two processes: the API never imports the worker's modules.",
      severity: 'error',
      from: { path: '^services/inventory/src/', pathNot: '^services/inventory/src/worker/' },
      to: { path: '^services/inventory/src/worker/' },
    },
    {
      name: 'deployables-without-tools',
      comment: 'What runs in an image or a stack never needs the developer tools (tests, launcher, CLIs).',
      severity: 'error',
      from: { path: src },
      to: { path: '^tools/' },
    },
    {
      name: 'infra-reads-only-the-catalogue',
      comment: 'The CDK app depends on the catalogue, not on any service or runtime code.',
      severity: 'error',
      from: { path: '^infra/(src|bin)/' },
      to: { path: '^(services|packages/(runtime|dashboard))/' },
    },
    {
      name: 'tools-read-no-infra',
      comment: 'The local runtime and the tools take what they need from the catalogue, not from the CDK app.',
      severity: 'error',
      from: { path: '^tools/src/' },
      to: { path: '^infra/' },
    },
    {
      name: 'declared-dependencies',
      comment: "Every package a workspace imports is in that workspace's own package.json.",
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-dev-dependencies-at-run-time',
      comment: 'What runs (src, bin, web) imports only dependencies, never devDependencies.',
      severity: 'error',
      from: { path: src, pathNot: '^packages/dashboard/web/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves to a file.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-cycles-at-run-time',
      comment: 'Modules that run do not import each other in a circle (type-only imports are erased, so they may).',
      severity: 'error',
      from: { path: src },
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { path: src, dependencyTypesNot: ['type-only'] },
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|cdk\\.out)/' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
  },
};
