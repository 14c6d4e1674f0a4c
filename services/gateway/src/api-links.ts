/**
 * OpenAPI links between the operations of the merged document: what a client can do next with an
 * answer (register, then log in as that user, then read your profile; start a topic, then read it
 * and post to it; post a message, then edit it). A reader of /docs sees the flows, and a stateful
 * fuzzer chains the calls (its stateful phase follows links), so later calls reach real resources
 * instead of random ids; each listing links to its next page, so paging runs on cursors the API
 * issued. Links cross services (a topic from topics, its messages in messages), so
 * they live here, where the services' documents meet; a link is kept only when both of its
 * operations are in the document.
 */

interface Operation {
  readonly method: string;
  readonly path: string;
}

export interface ApiLink {
  readonly from: Operation & { readonly status: string };
  readonly to: Operation;
  readonly name: string;
  readonly parameters?: Record<string, string>;
  readonly requestBody?: unknown;
}

const op = (method: string, path: string): Operation => ({ method, path });
const answer = (method: string, path: string, status: string) => ({ method, path, status });

const register = answer('post', '/api/users', '201');
const login = answer('post', '/api/auth/login', '200');
const startTopic = answer('post', '/api/topics', '201');
const postMessage = answer('post', '/api/topics/{topicId}/messages', '201');
const upload = answer('post', '/api/inventory/uploads', '202');

const byUserId = { userId: '$response.body#/userId' };
const byTopicId = { topicId: '$response.body#/topicId' };
const byMessageId = { messageId: '$response.body#/messageId' };
const asThatUser = { 'header.Authorization': 'Bearer {$response.body#/accessToken}' };

export const apiLinks: readonly ApiLink[] = [
  { from: register, to: op('get', '/api/users/{userId}'), name: 'GetRegisteredUser', parameters: byUserId },
  {
    from: register,
    to: op('post', '/api/auth/login'),
    name: 'LogInAsRegisteredUser',
    requestBody: { username: '$request.body#/username', password: '$request.body#/password' },
  },
  { from: register, to: op('get', '/api/users/{userId}/messages'), name: 'ListUserMessages', parameters: byUserId },
  { from: login, to: op('get', '/api/users/me'), name: 'GetOwnProfile', parameters: asThatUser },
  { from: login, to: op('patch', '/api/users/me'), name: 'UpdateOwnProfile', parameters: asThatUser },
  { from: login, to: op('post', '/api/topics'), name: 'StartTopicAsThatUser', parameters: asThatUser },
  { from: startTopic, to: op('get', '/api/topics/{topicId}'), name: 'GetTopic', parameters: byTopicId },
  { from: startTopic, to: op('patch', '/api/topics/{topicId}'), name: 'UpdateTopic', parameters: byTopicId },
  { from: startTopic, to: op('delete', '/api/topics/{topicId}'), name: 'DeleteTopic', parameters: byTopicId },
  {
    from: startTopic,
    to: op('get', '/api/topics/{topicId}/messages'),
    name: 'ListTopicMessages',
    parameters: byTopicId,
  },
  { from: startTopic, to: op('post', '/api/topics/{topicId}/messages'), name: 'PostMessage', parameters: byTopicId },
  {
    from: answer('get', '/api/topics/{topicId}', '200'),
    to: op('post', '/api/topics/{topicId}/messages'),
    name: 'PostMessage',
    parameters: byTopicId,
  },
  { from: postMessage, to: op('patch', '/api/messages/{messageId}'), name: 'UpdateMessage', parameters: byMessageId },
  { from: postMessage, to: op('delete', '/api/messages/{messageId}'), name: 'DeleteMessage', parameters: byMessageId },
  {
    from: postMessage,
    to: op('get', '/api/topics/{topicId}/messages'),
    name: 'ListMessagesOfTopic',
    parameters: byTopicId,
  },
  {
    from: upload,
    to: op('get', '/api/inventory/uploads/{uploadId}'),
    name: 'GetUpload',
    parameters: { uploadId: '$response.body#/uploadId' },
  },
];

/** A JSON pointer to an operation of the document, as an OpenAPI `operationRef`. */
export function operationRef({ method, path }: Operation): string {
  return `#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}`;
}

type Paths = Record<string, Record<string, unknown>>;

interface Parameter {
  readonly in: string;
  readonly name: string;
}

/**
 * Each listing (an operation that takes a `cursor`) links to its own next page: the same
 * operation, on the same path, with the `nextCursor` its answer carried.
 */
export function nextPageLinks(paths: Paths): ApiLink[] {
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, operation]) => {
      const parameters = ((operation as { parameters?: Parameter[] }).parameters ?? []) as Parameter[];
      if (!parameters.some((parameter) => parameter.in === 'query' && parameter.name === 'cursor')) return [];
      const samePath = parameters
        .filter((parameter) => parameter.in === 'path')
        .map((parameter) => [`path.${parameter.name}`, `$request.path.${parameter.name}`]);
      return [
        {
          from: answer(method, path, '200'),
          to: op(method, path),
          name: 'NextPage',
          parameters: { 'query.cursor': '$response.body#/nextCursor', ...Object.fromEntries(samePath) },
        },
      ];
    }),
  );
}

/** `paths` with every link whose two operations it has added to the answer it starts from. */
export function withLinks(paths: Paths, links: readonly ApiLink[] = [...apiLinks, ...nextPageLinks(paths)]): Paths {
  const result: Paths = structuredClone(paths);
  for (const link of links) {
    const from = result[link.from.path]?.[link.from.method] as
      | { responses?: Record<string, { links?: Record<string, unknown> }> }
      | undefined;
    const response = from?.responses?.[link.from.status];
    if (!response || !result[link.to.path]?.[link.to.method]) continue;
    response.links = {
      ...response.links,
      [link.name]: {
        operationRef: operationRef(link.to),
        ...(link.parameters ? { parameters: link.parameters } : {}),
        ...(link.requestBody ? { requestBody: link.requestBody } : {}),
      },
    };
  }
  return result;
}
