/**
 * ECS task scale-in protection, held while a file is being loaded so that scaling in never stops
 * a task mid-file. Uses the ECS agent's endpoint when ECS_AGENT_URI is set (on ECS); a no-op
 * elsewhere. A failure to set it is logged, never fatal: the file is safe to redo anyway.
 */
import type { Logger } from 'pino';

export interface TaskProtection {
  set(protect: boolean): Promise<void>;
}

export function createTaskProtection(
  agentUri: string | undefined,
  logger: Logger,
  expiresInMinutes = 60,
): TaskProtection {
  if (!agentUri) return { set: async () => {} };
  let protectedNow = false;
  return {
    async set(protect) {
      if (protect === protectedNow) return;
      try {
        const response = await fetch(`${agentUri}/task-protection/v1/state`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            protect ? { ProtectionEnabled: true, ExpiresInMinutes: expiresInMinutes } : { ProtectionEnabled: false },
          ),
          signal: AbortSignal.timeout(5000),
        });
        if (!response.ok) throw new Error(`the ECS agent answered ${response.status}`);
        protectedNow = protect;
      } catch (error) {
        logger.warn({ err: error, protect }, 'could not change ECS task protection');
      }
    },
  };
}
