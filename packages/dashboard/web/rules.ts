/**
 * The forum's field rules (from the catalogue, the same data the services' schemas are built
 * from), explained in words beside each field and checked before a form is sent.
 */
import { type FieldName, fieldRules, type TextFieldRule } from '@agora/catalogue/fields';

export { type FieldName, fieldRules };

/** "3 to 32 characters: letters, digits and underscores" */
export function describeRule(rule: TextFieldRule): string {
  const length =
    rule.minLength <= 1
      ? `Up to ${rule.maxLength.toLocaleString('en')} characters`
      : `${rule.minLength} to ${rule.maxLength.toLocaleString('en')} characters`;
  return `${length}: ${rule.description}.`;
}

/** What is wrong with `value` under the rule, in words, or undefined when it passes. */
export function ruleProblem(rule: TextFieldRule, value: string): string | undefined {
  // The API counts UTF-16 code units, as JavaScript strings do.
  if (value.length < rule.minLength) {
    return rule.minLength === 1 ? 'This is required.' : `At least ${rule.minLength} characters, please.`;
  }
  if (value.length > rule.maxLength) {
    return `At most ${rule.maxLength.toLocaleString('en')} characters (this is ${value.length.toLocaleString('en')}).`;
  }
  if (rule.pattern !== undefined && !new RegExp(rule.pattern, 'u').test(value)) {
    return `This does not follow the rule: ${rule.description}.`;
  }
  return undefined;
}
