/**
 * The module every Agora process is started with (`node --import=@agora/runtime/instrument`: the
 * local launcher, Dockerfile.base's command), so tracing is set up before any of the app's modules
 * load. Tracing is off unless the environment configures an OTLP endpoint (see tracing.ts); a bad
 * tracing setting stops the process with one clear line, like any other bad configuration. It
 * also points the imports of the bundled packages (TypeBox, OpenTelemetry) at their bundles
 * (bundled-modules.ts), before any of them resolve.
 */
import './bundled-modules.ts';
import { startTracing, TracingConfigError, tracingSettingsFrom } from './tracing.ts';

try {
  const settings = tracingSettingsFrom(process.env);
  if (settings) await startTracing(settings);
} catch (error) {
  if (!(error instanceof TracingConfigError)) throw error;
  process.stderr.write(`Invalid configuration: ${error.message}\n`);
  process.exit(1);
}
