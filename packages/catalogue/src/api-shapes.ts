/**
 * What the forum's API answers with: a topic, a message, a user as others see them, and a page of
 * each. The services' routes declare these as their response schemas (so Fastify serializes and
 * the OpenAPI document shows exactly this); the web app imports the types only (`import type`,
 * erased from its bundle), so the client's idea of an answer cannot drift from the server's.
 */
import { type Static, type TSchema, Type } from 'typebox';

const time = () => Type.String({ format: 'date-time' });

/** A page of items, oldest or newest first as its route says, with the cursor of the next. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Optional(
      Type.String({ description: 'pass as `cursor` for the next page; absent on the last page' }),
    ),
  });
}

export const TopicSchema = Type.Object(
  {
    topicId: Type.String(),
    title: Type.String(),
    authorId: Type.String(),
    createdAt: time(),
    lastActivityAt: time(),
    messageCount: Type.Integer({ minimum: 0 }),
    editedAt: Type.Optional(time()),
  },
  { description: 'A forum topic. messageCount and lastActivityAt follow message events (eventually consistent).' },
);
export type Topic = Static<typeof TopicSchema>;
export const TopicPageSchema = Page(TopicSchema);
export type TopicPage = Static<typeof TopicPageSchema>;

export const MessageSchema = Type.Object(
  {
    messageId: Type.String(),
    topicId: Type.String(),
    authorId: Type.String(),
    authorName: Type.String({ description: "the author's current display name" }),
    body: Type.String(),
    createdAt: time(),
    editedAt: Type.Optional(time()),
  },
  { description: 'A message in a topic' },
);
export type Message = Static<typeof MessageSchema>;
export const MessagePageSchema = Page(MessageSchema);
export type MessagePage = Static<typeof MessagePageSchema>;

export const PublicUserSchema = Type.Object(
  {
    userId: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    createdAt: time(),
  },
  { $id: 'PublicUser' },
);
export type PublicUser = Static<typeof PublicUserSchema>;
