/** The forum's API as the web app uses it: users, topics and messages, each page with its cursor. */
// Types only (erased from the bundle): the very shapes the services' routes answer with.
import type { Message, MessagePage, PublicUser, Topic, TopicPage } from '@agora/catalogue/api-shapes';
import { request } from './api.ts';

export const pageSize = 20;

const id = encodeURIComponent;

function pageQuery(cursor: string | undefined, limit = pageSize): string {
  return new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) }).toString();
}

/**
 * The first page is the very request index.html preloads (same URL, no extra headers), so the
 * browser answers it from the preload instead of asking again.
 */
export const firstTopicsPage = `/api/topics?limit=${pageSize}`;

export const listTopics = (cursor?: string) =>
  cursor
    ? request<TopicPage>(`/api/topics?${pageQuery(cursor)}`)
    : request<TopicPage>(firstTopicsPage, { plain: true });
export const getTopic = (topicId: string) => request<Topic>(`/api/topics/${id(topicId)}`);
export const createTopic = (token: string, title: string, body: string) =>
  request<Topic>('/api/topics', { method: 'POST', token, body: body.trim() ? { title, body } : { title } });
export const renameTopic = (token: string, topicId: string, title: string) =>
  request<Topic>(`/api/topics/${id(topicId)}`, { method: 'PATCH', token, body: { title } });
export const deleteTopic = (token: string, topicId: string) =>
  request<null>(`/api/topics/${id(topicId)}`, { method: 'DELETE', token });

export const listMessages = (topicId: string, cursor?: string) =>
  request<MessagePage>(`/api/topics/${id(topicId)}/messages?${pageQuery(cursor)}`);
export const postMessage = (token: string, topicId: string, body: string) =>
  request<Message>(`/api/topics/${id(topicId)}/messages`, { method: 'POST', token, body: { body } });
export const editMessage = (token: string, messageId: string, body: string) =>
  request<Message>(`/api/messages/${id(messageId)}`, { method: 'PATCH', token, body: { body } });
export const deleteMessage = (token: string, messageId: string) =>
  request<null>(`/api/messages/${id(messageId)}`, { method: 'DELETE', token });
export const listUserMessages = (userId: string, cursor?: string) =>
  request<MessagePage>(`/api/users/${id(userId)}/messages?${pageQuery(cursor)}`);

export const getUser = (userId: string) => request<PublicUser>(`/api/users/${id(userId)}`);
export const register = (username: string, password: string, displayName: string) =>
  request<PublicUser>('/api/users', { method: 'POST', body: { username, password, displayName } });
export const renameMe = (token: string, displayName: string) =>
  request<PublicUser>('/api/users/me', { method: 'PATCH', token, body: { displayName } });
