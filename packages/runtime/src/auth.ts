/**
 * Verifying users' tokens. The users service signs ES256 tokens and publishes its public keys as
 * a JWKS; every other service verifies signature, expiry, issuer and audience against that JWKS,
 * so no secret is shared. `alg: none`, other algorithms and tampered tokens are refused, and so is
 * a token missing any claim the services rely on, or carrying one of the wrong type.
 */
import fastifyJwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { createJwksKeyStore, type JwksKeyStore } from './jwks.ts';
import { HttpProblem, problems, transientRetryAfterSeconds } from './problem.ts';

export const tokenAlgorithm = 'ES256';

export interface AuthenticatedUser {
  /** the user id */
  readonly sub: string;
  readonly username: string;
  readonly name: string;
  readonly roles: readonly string[];
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AuthenticatedUser;
    user: AuthenticatedUser;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: 401 unless the request carries a valid bearer token; sets request.user */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** the JWKS to verify against (other services) … */
  readonly jwksUrl?: string;
  /** … or the key pair itself (the users service, which also signs) */
  readonly keys?: { readonly privateKeyPem: string; readonly publicKeyPem: string; readonly keyId: string };
  readonly tokenTtlSeconds?: number;
  /** the shortest time between two JWKS fetches (an unknown kid waits for the next one) */
  readonly jwksRefetchIntervalMs?: number;
}

/** The tokenVerificationConfig variables, as a service that verifies against the JWKS reads them. */
export interface JwksVerificationConfig {
  readonly JWT_ISSUER: string;
  readonly JWT_AUDIENCE: string;
  readonly JWKS_URL: string;
}

/** Verifier options for a service that verifies users' tokens against the users service's JWKS. */
export function jwksVerification(config: JwksVerificationConfig): TokenVerifierOptions {
  return { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, jwksUrl: config.JWKS_URL };
}

/** Requests whose token could not be checked because the keys could not be fetched (a 503, not a 401). */
const keysUnavailableFor = new WeakSet<FastifyRequest>();

function jwksKeyResolver(store: JwksKeyStore) {
  return async (request: FastifyRequest, token: { header: { kid?: unknown; alg?: unknown } }) => {
    if (token.header.alg !== tokenAlgorithm) throw new Error(`algorithm ${String(token.header.alg)} is not accepted`);
    if (typeof token.header.kid !== 'string') throw new Error('the token names no key id');
    const key = await store.publicKeyPem(token.header.kid);
    if (!key && store.lastFetchFailed()) {
      keysUnavailableFor.add(request);
      throw new Error('the users service’s keys cannot be fetched right now');
    }
    if (!key) throw new Error('the token is signed by a key the users service does not publish');
    return key;
  };
}

/** Every claim a service reads from a token, with its type: any other shape is refused. */
const TokenClaims = Type.Object({
  sub: Type.String({ minLength: 1, maxLength: 128 }),
  username: Type.String({ minLength: 1, maxLength: 128 }),
  name: Type.String({ maxLength: 256 }),
  roles: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 }),
  iss: Type.String(),
  aud: Type.Union([Type.String(), Type.Array(Type.String())]),
  exp: Type.Number(),
  iat: Type.Optional(Type.Number()),
});
const tokenClaims = Compile(TokenClaims);
/** Checked by the verifier itself, before the shape: a token without them is never valid. */
const requiredClaims = ['sub', 'iss', 'aud', 'exp'];

/** Registers token verification (and signing, when given the private key) on an encapsulated app. */
export const tokenVerifier = fp<TokenVerifierOptions>(
  async (app, options) => {
    const verify = {
      allowedIss: options.issuer,
      allowedAud: options.audience,
      algorithms: [tokenAlgorithm] as ['ES256'],
      requiredClaims,
    };
    if (options.keys) {
      await app.register(fastifyJwt, {
        secret: { private: options.keys.privateKeyPem, public: options.keys.publicKeyPem },
        sign: {
          algorithm: tokenAlgorithm,
          iss: options.issuer,
          aud: options.audience,
          kid: options.keys.keyId,
          expiresIn: options.tokenTtlSeconds ?? 900,
        },
        verify,
      });
    } else if (options.jwksUrl) {
      const minRefetchIntervalMs = options.jwksRefetchIntervalMs;
      const store = createJwksKeyStore({
        url: options.jwksUrl,
        ...(minRefetchIntervalMs ? { minRefetchIntervalMs } : {}),
      });
      await app.register(fastifyJwt, {
        decode: { complete: true },
        // The key is resolved by the token's kid; @fastify/jwt's typings miss this overload.
        secret: jwksKeyResolver(store) as never,
        verify,
      });
      // Only a listening app fetches ahead: an app tested with inject fetches when a token arrives.
      let stopWarmUp = () => {};
      app.addHook('onListen', async () => {
        stopWarmUp = store.warmUp();
      });
      app.addHook('onClose', async () => stopWarmUp());
    } else {
      throw new Error('tokenVerifier needs a jwksUrl or a key pair');
    }

    app.decorate('authenticate', async (request: FastifyRequest) => {
      if (!request.headers.authorization) throw problems.unauthorized();
      try {
        await request.jwtVerify();
      } catch (error) {
        if (keysUnavailableFor.has(request)) {
          // transient, on our side: the client should try the same token again shortly
          throw new HttpProblem(503, 'The bearer token cannot be checked right now: the signing keys are unavailable', {
            retryAfterSeconds: transientRetryAfterSeconds,
          });
        }
        throw problems.unauthorized(`The bearer token was refused: ${(error as Error).message}`);
      }
      if (!tokenClaims.Check(request.user)) {
        throw problems.unauthorized('The bearer token was refused: its claims are missing or malformed');
      }
    });
  },
  { name: 'agora-token-verifier' },
);

/** preHandler: 403 unless the authenticated user holds `role`. Use after `authenticate`. */
export function requireRole(role: string) {
  return async (request: FastifyRequest) => {
    if (!request.user?.roles?.includes(role)) {
      throw problems.forbidden(`This needs the "${role}" role`);
    }
  };
}
