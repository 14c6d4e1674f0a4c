/**
 * Imports of a bundled package's specifiers (`typebox`, `typebox/compile`, `@opentelemetry/api`,
 * the OpenTelemetry SDK and instrumentations tracing.ts loads, `fastify`, `pino`, the Fastify
 * plugins and the rest of the runtime's dependencies but the AWS SDK), from any module, Agora's or
 * a dependency's, ES import or require(), load the bundle in ./vendor/<bundle> instead of the
 * packages' hundreds of separate files: the same code in a few modules, which saves a service
 * ~18 MB of RSS and ~0.2 s of its start for TypeBox, ~5-7 MB and ~0.1 s of CPU for the
 * OpenTelemetry set (286 modules when tracing is on), and ~12 MB more for Fastify's ~420 modules
 * (tools/src/install/bundled-packages.ts says how they are made and measured).
 *
 * Registered by the instrument module, which every process is started with, before the app's
 * modules are resolved, so every importer sees one copy of each package. ./vendor/manifest.json
 * records the version of every package a bundle was made from: if an installed one is another
 * (upgraded without `npm run vendor:bundles`), nothing of that bundle is redirected and its
 * packages load as they are (tools/test/bundled-packages.test.ts fails meanwhile). The versions
 * are read when one of the bundle's specifiers is first resolved.
 */
import { registerHooks } from 'node:module';
import { bundleRedirects, vendoredManifest } from './bundle-redirects.ts';

export function redirectToBundles(): void {
  const redirect = bundleRedirects(vendoredManifest());
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = redirect(specifier);
      return url ? { url, format: 'module', shortCircuit: true } : nextResolve(specifier, context);
    },
  });
}

redirectToBundles();
