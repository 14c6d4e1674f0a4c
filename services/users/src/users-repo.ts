/**
 * The users table. The only module that knows its keys: user items keyed by `userId`, and one
 * uniqueness item per username (`userId` = `username#<lowercased>`) written in the same
 * transaction, which is what makes usernames unique regardless of case.
 */

import { type CursorPage, conditionalUpdate, failedConditions, pageOf } from '@agora/runtime/dynamo';
import { cursorValues, decodeCursor } from '@agora/runtime/ids';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

export interface User {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly roles: string[];
  readonly createdAt: string;
}

export interface UserWithSecret extends User {
  readonly passwordHash: string;
}

export class UsernameTakenError extends Error {
  override name = 'UsernameTakenError';
}

const listKey = 'user';
const listIndex = 'byRegistration';
const listCursor = { userId: cursorValues.id, listKey, createdAt: cursorValues.timestamp };

function usernameKey(username: string): string {
  return `username#${username.toLowerCase()}`;
}

function toUser(item: Record<string, unknown>): User {
  return {
    userId: item.userId as string,
    username: item.username as string,
    displayName: item.displayName as string,
    roles: [...((item.roles as Set<string> | string[] | undefined) ?? [])].sort(),
    createdAt: item.createdAt as string,
  };
}

export function createUsersRepo(documents: DynamoDBDocumentClient, tableName: string) {
  return {
    async create(user: UserWithSecret): Promise<void> {
      try {
        await documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    userId: user.userId,
                    listKey,
                    username: user.username,
                    displayName: user.displayName,
                    passwordHash: user.passwordHash,
                    createdAt: user.createdAt,
                  },
                  ConditionExpression: 'attribute_not_exists(userId)',
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { userId: usernameKey(user.username), ownerId: user.userId },
                  ConditionExpression: 'attribute_not_exists(userId)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (failedConditions(error).includes(1)) {
          throw new UsernameTakenError(`The username "${user.username}" is taken`);
        }
        throw error;
      }
    },

    async findById(userId: string): Promise<User | undefined> {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: { userId } }));
      return Item?.listKey === listKey ? toUser(Item) : undefined;
    },

    /** For login only: the one read that returns the password hash. */
    async findWithSecretByUsername(username: string): Promise<UserWithSecret | undefined> {
      const { Item: owner } = await documents.send(
        new GetCommand({ TableName: tableName, Key: { userId: usernameKey(username) } }),
      );
      if (!owner) return undefined;
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: { userId: owner.ownerId } }));
      return Item ? { ...toUser(Item), passwordHash: Item.passwordHash as string } : undefined;
    },

    async findByUsername(username: string): Promise<User | undefined> {
      const found = await this.findWithSecretByUsername(username);
      if (!found) return undefined;
      const { passwordHash: _secret, ...user } = found;
      return user;
    },

    /** Users in registration order, a page at a time. */
    async list(limit: number, cursor?: string): Promise<CursorPage<User>> {
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: listIndex,
          KeyConditionExpression: 'listKey = :user',
          ExpressionAttributeValues: { ':user': listKey },
          Limit: limit,
          ExclusiveStartKey: decodeCursor(cursor, listCursor),
        }),
      );
      return pageOf(Items.map(toUser), LastEvaluatedKey);
    },

    async updateDisplayName(userId: string, displayName: string): Promise<User | undefined> {
      const item = await conditionalUpdate(documents, {
        TableName: tableName,
        Key: { userId },
        UpdateExpression: 'SET displayName = :name',
        ConditionExpression: 'listKey = :user',
        ExpressionAttributeValues: { ':name': displayName, ':user': listKey },
      });
      return item ? toUser(item) : undefined;
    },

    /** Grants or revokes a role (operators only: no route calls this). */
    async setRole(userId: string, role: string, granted: boolean): Promise<User | undefined> {
      const item = await conditionalUpdate(documents, {
        TableName: tableName,
        Key: { userId },
        UpdateExpression: granted ? 'ADD #roles :role' : 'DELETE #roles :role',
        ConditionExpression: 'listKey = :user',
        ExpressionAttributeNames: { '#roles': 'roles' },
        ExpressionAttributeValues: { ':role': new Set([role]), ':user': listKey },
      });
      return item ? toUser(item) : undefined;
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
