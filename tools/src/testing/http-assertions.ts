/** Assertions on HTTP answers that every service's tests share. */
import assert from 'node:assert/strict';

interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  readonly body?: string;
}

/** The answer is `status` with an application/problem+json body. */
export function assertProblem(response: Answer, status: number): void {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /application\/problem\+json/);
}
