/**
 * The signed-in user's token. Kept in sessionStorage: it survives a reload of the tab (a manager
 * leaves the dashboard open) but not closing it, is never shared with other tabs or sent by the
 * browser on its own (no cookie, so no CSRF), and lives 15 minutes. The page's CSP allows only
 * its own scripts, which is what keeps other code from reading it. The claims decoded here only
 * label the page; the services verify the token on every request.
 */
export interface Session {
  readonly token: string;
  /** the token's subject: what the API calls authorId */
  readonly userId: string;
  readonly username: string;
  readonly name: string;
  readonly roles: readonly string[];
  /** epoch milliseconds */
  readonly expiresAt: number;
}

const key = 'agora.session';

function claims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(json, (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

export function sessionFromToken(token: string, expiresInSeconds: number): Session {
  const decoded = claims(token);
  const exp = typeof decoded.exp === 'number' ? decoded.exp * 1000 : Date.now() + expiresInSeconds * 1000;
  return {
    token,
    userId: String(decoded.sub ?? ''),
    username: String(decoded.username ?? ''),
    name: String(decoded.name ?? decoded.username ?? ''),
    roles: Array.isArray(decoded.roles) ? decoded.roles.map(String) : [],
    expiresAt: exp,
  };
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(key, JSON.stringify(session));
}

export function loadSession(): Session | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(key) ?? 'null') as Session | null;
    return stored && typeof stored.userId === 'string' && stored.expiresAt > Date.now() + 5_000 ? stored : undefined;
  } catch {
    return undefined;
  }
}

export function clearSession(): void {
  sessionStorage.removeItem(key);
}
