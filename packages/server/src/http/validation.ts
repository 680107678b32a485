import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ useDefaults: true, removeAdditional: false, allErrors: false, ...options });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Query strings and path parameters arrive as text and are coerced (`limit=10` → 10); bodies are
 * JSON and are not: `"name": 42` is a wrong type and gets a 400, not a silent "42".
 */
export function validatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const coercing = makeAjv({ coerceTypes: 'array' });
  const strict = makeAjv({ coerceTypes: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object);
}

/**
 * A check of a value against a body schema, as a route's body is checked: the first problem as
 * `path message`, or undefined when the value fits (for bodies a route decodes itself, e.g. OTLP).
 */
export function bodyChecker(schema: object): (value: unknown) => string | undefined {
  const validate = makeAjv({ coerceTypes: false }).compile(schema);
  return (value) => {
    if (validate(value)) return undefined;
    const first = validate.errors?.[0];
    return first
      ? `${first.instancePath.slice(1) || 'value'} ${first.message ?? 'is invalid'}`
      : 'is invalid';
  };
}
