/**
 * Request validation against the routes' TypeBox schemas, stricter than the type provider's own
 * compiler on two counts:
 *
 * - query strings, path parameters and headers are text, and only text that *is* the number or
 *   boolean the schema wants is converted: `?limit=true` or `?limit=1.0e1` is a 400, not 1 or 10
 *   (TypeBox's Value.Convert reads `true` as 1);
 * - no string anywhere in a request (body, query, parameters) may be ill-formed Unicode (an
 *   unpaired UTF-16 surrogate, which JSON's `\ud800` escape can carry): it cannot be stored or
 *   sent on, so it is refused here as a 400 rather than failing deep inside an AWS call.
 */
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
};

const integerText = /^-?(?:0|[1-9]\d{0,15})$/;
const numberText = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  return (schema.anyOf ?? []).flatMap(typesOf);
}

/** Converts one text value to the type its schema names, only when the text is exactly that value. */
function convertText(schema: JsonSchema, text: string): unknown {
  const types = typesOf(schema);
  if (types.includes('string')) return text;
  if (types.includes('integer') && integerText.test(text)) return Number(text);
  if (types.includes('number') && numberText.test(text)) return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function convertValue(schema: JsonSchema, value: unknown): unknown {
  const isArraySchema = typesOf(schema).includes('array');
  if (Array.isArray(value)) {
    return isArraySchema && schema.items ? value.map((item) => convertValue(schema.items as JsonSchema, item)) : value;
  }
  if (typeof value !== 'string') return value;
  // a repeated query parameter may also arrive once, as a plain value
  if (isArraySchema && schema.items) return [convertText(schema.items, value)];
  return convertText(schema, value);
}

/** Query strings, path parameters and headers: an object of text values. */
function convertTextFields(schema: JsonSchema, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !schema.properties) return value;
  const converted: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [name, property] of Object.entries(schema.properties)) {
    if (name in converted) converted[name] = convertValue(property, converted[name]);
  }
  return converted;
}

/** The path of the first ill-formed string in a parsed value ('' for the value itself), if any. */
export function illFormedTextPath(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : path || '/';
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (!key.isWellFormed()) return itemPath;
    const found = illFormedTextPath(item, itemPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function illFormedTextError(path: string): FastifySchemaValidationError {
  return {
    keyword: 'wellFormedUnicode',
    instancePath: path === '/' ? '' : path,
    schemaPath: '#',
    params: {},
    message: 'must be well-formed Unicode text (no unpaired surrogates)',
  };
}

export const strictValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value) => {
    const illFormed = illFormedTextPath(value);
    if (illFormed) return { error: [illFormedTextError(illFormed)] };
    const converted = httpPart === 'body' ? value : convertTextFields(schema as JsonSchema, value);
    if (check.Check(converted)) return { value: converted };
    return { error: [...check.Errors(converted)] as unknown as FastifySchemaValidationError[] };
  };
};
