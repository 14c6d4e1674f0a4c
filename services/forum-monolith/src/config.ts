/** The monolith reads every variable its three services read (one schema, their union). */
import { messagesConfigSchema } from '@agora/messages/config';
import { topicsConfigSchema } from '@agora/topics/config';
import { usersConfigSchema } from '@agora/users/config';
import { type Static, Type } from 'typebox';

export const monolithConfigSchema = Type.Object({
  ...usersConfigSchema.properties,
  ...topicsConfigSchema.properties,
  ...messagesConfigSchema.properties,
});

export type MonolithConfig = Static<typeof monolithConfigSchema>;
