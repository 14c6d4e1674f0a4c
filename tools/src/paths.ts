import { fileURLToPath } from 'node:url';

/** The repository root, wherever the clone lives. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Local state (the emulator venv, the dev JWT key, the running system's description). */
export const stateDir = `${repoRoot}.agora`;
