/**
 * Configuration comes from the environment and is validated once, at start-up. Each service
 * declares a TypeBox schema of the variables it reads; `loadConfig` converts strings to the
 * declared types, applies defaults, and fails with one line naming every bad variable.
 */
import { type Static, type TObject, type TProperties, Type } from 'typebox';
import { Value } from 'typebox/value';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Variables every HTTP service reads. */
export const httpServiceConfig = {
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  AWS_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  /** Set for the emulator; unset on AWS. */
  AWS_ENDPOINT_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Comma-separated origins allowed by CORS; empty means no cross-origin access. */
  CORS_ORIGINS: Type.String({ default: '' }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 65536 }),
  /** Requests per minute one client address may make to the service, across all of its tasks. */
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  /** The shared counters behind the service's rate limits, which hold across every task. */
  RATE_LIMITS_TABLE: Type.String({ minLength: 3 }),
  /**
   * Proxies in front of the service that append to X-Forwarded-For: 1 behind the load balancer
   * (or the local gateway), 2 behind CloudFront and the load balancer (client-address.ts).
   */
  TRUSTED_PROXY_HOPS: Type.Integer({ minimum: 1, maximum: 5, default: 1 }),
  /** How long a SIGTERM waits for in-flight requests before forcing exit (ECS waits 30 s by default). */
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 20000 }),
};

/** Variables a service reads to verify users' tokens. */
export const tokenVerificationConfig = {
  JWT_ISSUER: Type.String({ minLength: 1, default: 'agora-users' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'agora' }),
  /** Where the users service publishes its public keys. */
  JWKS_URL: Type.String({ pattern: '^https?://' }),
};

export type ConfigSchema = TObject<TProperties>;

/** Validates `env` against `schema`; throws a ConfigError naming each missing or malformed variable. */
export function loadConfig<S extends ConfigSchema>(schema: S, env: NodeJS.ProcessEnv = process.env): Static<S> {
  const relevant: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const withDefaults = Value.Default(schema, Value.Convert(schema, relevant));
  if (Value.Check(schema, withDefaults)) return withDefaults as Static<S>;

  // Checked one variable at a time, so the message names every bad one, not just the first few.
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  const problems = new Map<string, string>();
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = (withDefaults as Record<string, unknown>)[name];
    if (value === undefined) {
      if (required.has(name)) problems.set(name, 'is required but not set');
      continue;
    }
    const [first] = Value.Errors(property, value);
    if (first) problems.set(name, `is invalid (${first.message})`);
  }
  const detail = [...problems].map(([name, problem]) => `${name} ${problem}`).join('; ');
  throw new ConfigError(`Invalid configuration: ${detail || 'the environment does not match the schema'}`);
}

/** For entry points: load the config or print one clear line and exit with status 1. */
export function loadConfigOrExit<S extends ConfigSchema>(schema: S, env: NodeJS.ProcessEnv = process.env): Static<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** The names of the variables a schema requires (no default, not optional). Used by parity tests. */
export function requiredVariables(schema: ConfigSchema): string[] {
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  return Object.entries(schema.properties)
    .filter(([name, property]) => required.has(name) && (property as { default?: unknown }).default === undefined)
    .map(([name]) => name);
}
