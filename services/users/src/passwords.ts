/** Password hashing with scrypt (node:crypto): salted, memory-hard, compared in constant time. */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;

const cost = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const keyLength = 32;

/** Format: scrypt$N$r$p$salt$hash (base64url), so the parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, keyLength, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: cost.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/**
 * A hash to compare against when the user does not exist, so timing doesn't reveal which usernames
 * exist: checking a password against it costs what checking one against a real hash costs (the same
 * scrypt parameters, salt and key lengths), and whether it matches is never read. Fixed bytes, so a
 * start does not spend an scrypt run (~50 ms of CPU, and every module after this one waiting) on it.
 */
export const decoyHash = [
  'scrypt',
  cost.N,
  cost.r,
  cost.p,
  'jvIMLIK7gCYv6aPrTSHKUw',
  '-HsHHBUQgHqez2HDTEPiQg3i53lem5Kg2qeYx445P6s',
].join('$');
