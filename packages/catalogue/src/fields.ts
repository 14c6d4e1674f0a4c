/**
 * The rules of the text people type into the forum: the services build their request schemas
 * from these, and the web app explains them beside each field before anything is sent. Plain
 * data (no typebox), so the browser bundle can import it without the schema library.
 */
export interface TextFieldRule {
  readonly minLength: number;
  readonly maxLength: number;
  /** a JSON Schema (ECMA-262) pattern the whole value must match somewhere; absent: any text */
  readonly pattern?: string;
  /** the rule in words, shown to people (and in the OpenAPI document) */
  readonly description: string;
}

export const fieldRules = {
  username: {
    minLength: 3,
    maxLength: 32,
    pattern: '^[A-Za-z0-9_]+$',
    description: 'letters, digits and underscores; unique regardless of case',
  },
  displayName: {
    minLength: 1,
    maxLength: 64,
    pattern: '^\\S(?:.*\\S)?$',
    description: 'the name others see; no spaces at the start or end',
  },
  password: { minLength: 10, maxLength: 256, description: 'any characters; a few words make a good one' },
  topicTitle: { minLength: 1, maxLength: 200, pattern: '\\S', description: 'not only spaces' },
  messageBody: { minLength: 1, maxLength: 10000, pattern: '\\S', description: 'plain text, not only spaces' },
} as const satisfies Record<string, TextFieldRule>;

export type FieldName = keyof typeof fieldRules;
