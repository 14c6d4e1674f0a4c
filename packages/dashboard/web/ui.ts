/** Small pieces the forum's views share: labelled fields with their rule, times, author links. */
import { h } from './dom.ts';
import { describeRule, type FieldName, fieldRules, ruleProblem } from './rules.ts';

export interface RuledField {
  readonly wrap: HTMLElement;
  readonly input: HTMLInputElement | HTMLTextAreaElement;
  /** shows what is wrong (or clears it); true when the value passes */
  check(): boolean;
  /** shows a problem the API answered for this field */
  fail(message: string): void;
}

/**
 * A labelled input (or textarea) whose rule is explained beside it before anything is sent, and
 * checked against the same rule on submit; its problems are announced.
 */
export function ruledField(
  id: string,
  label: string,
  field: FieldName,
  options: { multiline?: boolean; type?: string; autocomplete?: string; value?: string; optional?: boolean } = {},
): RuledField {
  const rule = fieldRules[field];
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const attributes = {
    id,
    name: id,
    maxlength: rule.maxLength,
    'aria-describedby': `${hintId} ${errorId}`,
    required: !options.optional,
    autocomplete: options.autocomplete ?? 'off',
  };
  const input = options.multiline
    ? h('textarea', { ...attributes, rows: 4 })
    : h('input', { ...attributes, type: options.type ?? 'text', minlength: rule.minLength });
  if (options.value !== undefined) input.value = options.value;
  const error = h('p', { id: errorId, class: 'error', 'aria-live': 'polite' });
  const fail = (message: string) => {
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
  };
  const check = () => {
    const problem = options.optional && input.value === '' ? undefined : ruleProblem(rule, input.value);
    if (problem) {
      fail(problem);
      return false;
    }
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    return true;
  };
  // Once a problem is shown, it goes as soon as the value is fixed (checked on input, not on blur:
  // a message vanishing on blur moves the button the pointer is pressing).
  input.addEventListener('input', () => {
    if (input.hasAttribute('aria-invalid')) check();
  });
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('p', { id: hintId, class: 'hint' }, describeRule(rule)),
    input,
    error,
  );
  return { wrap, input, check, fail };
}

/** Checks every field, focusing the first that fails; true when all pass. */
export function checkAll(fields: readonly RuledField[]): boolean {
  const failed = fields.filter((field) => !field.check());
  failed[0]?.input.focus();
  return failed.length === 0;
}

export function timeOf(iso: string, prefix = ''): HTMLTimeElement {
  const at = new Date(iso);
  return h('time', { datetime: iso, title: at.toISOString() }, `${prefix}${at.toLocaleString()}`);
}

export function authorLink(userId: string, name: string): HTMLAnchorElement {
  return h('a', { href: `/users/${encodeURIComponent(userId)}`, class: 'author', 'data-author-id': userId }, name);
}

export const plural = (count: number, one: string, many: string) =>
  `${count.toLocaleString()} ${count === 1 ? one : many}`;

/** The view's heading, focusable so navigation can move the reader's focus to it. */
export function heading(text: string, id = 'view-title'): HTMLHeadingElement {
  return h('h1', { id, tabindex: -1 }, text);
}
