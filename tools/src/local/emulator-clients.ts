/** AWS clients for tools and tests, pointed at an emulator endpoint. */
import { createAwsClients } from '@agora/runtime/aws';
import { pino } from 'pino';
import { emulatorCredentials, useEmulatorCredentials } from './emulator.ts';

export function emulatorClients(endpoint: string) {
  useEmulatorCredentials();
  return createAwsClients(
    { AWS_REGION: emulatorCredentials.AWS_REGION, AWS_ENDPOINT_URL: endpoint },
    pino({ level: 'silent' }),
  );
}
