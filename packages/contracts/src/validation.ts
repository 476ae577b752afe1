import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FieldError } from './errors';
import { type RestBodyName } from './generated/routing-keys';
import { SCHEMA_BASE, loadSchemas } from './schemas';

export type ValidationResult = { valid: true } | { valid: false; errors: FieldError[] };

/**
 * Every schema is registered when the package is loaded and compiled once, the first time a message of its kind is
 * validated: validation is then a function call. A service uses a few dozen of the schemas, so it does not pay
 * for compiling them all at start-up (most of a second of CPU in each process, and in each test file).
 */
const ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults: true });
addFormats(ajv);
const schemas = loadSchemas();
for (const { schema } of schemas) ajv.addSchema(schema);
const ids = new Map(schemas.map(({ rel, schema }) => [rel, schema.$id]));

const compiled = new Map<string, ValidateFunction>();
function validatorFor(rel: string): ValidateFunction | undefined {
  const known = compiled.get(rel);
  if (known) return known;
  const id = ids.get(rel);
  if (!id) return undefined;
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`schema ${rel} did not compile`);
  compiled.set(rel, validate);
  return validate;
}

/** Compiles every schema now (a test proves they all compile; a service may call it to pay the cost up front). */
export function compileAllSchemas(): number {
  for (const rel of ids.keys()) validatorFor(rel);
  return compiled.size;
}

function toFieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((error) => {
    const extra =
      error.keyword === 'additionalProperties'
        ? `/${String((error.params as { additionalProperty: string }).additionalProperty)}`
        : error.keyword === 'required'
          ? `/${String((error.params as { missingProperty: string }).missingProperty)}`
          : '';
    const message =
      error.keyword === 'additionalProperties' ? 'is not allowed' : (error.message ?? 'is invalid');
    return { path: `${error.instancePath}${extra}` || '/', message };
  });
}

function run(rel: string, value: unknown): ValidationResult {
  const validate = validatorFor(rel);
  if (!validate) return { valid: false, errors: [{ path: '/', message: `no schema ${rel}` }] };
  return validate(value) ? { valid: true } : { valid: false, errors: toFieldErrors(validate.errors) };
}

const isKey = (value: string) => /^[a-z]+(\.[a-z_]+)+$/.test(value);

export function validateEnvelope(value: unknown): ValidationResult {
  return run('envelope.json', value);
}

/** The `data` of a command or an event, by its routing key; an unknown key is invalid. */
export function validateMessageData(type: string, data: unknown): ValidationResult {
  if (!isKey(type)) return { valid: false, errors: [{ path: '/type', message: 'is not a routing key' }] };
  if (ids.has(`commands/${type}.json`)) return run(`commands/${type}.json`, data);
  if (ids.has(`events/${type}.json`)) return run(`events/${type}.json`, data);
  return { valid: false, errors: [{ path: '/type', message: `unknown message type ${type}` }] };
}

export function validateReplyData(type: string, data: unknown): ValidationResult {
  if (!isKey(type) || !ids.has(`replies/${type}.json`)) {
    return { valid: false, errors: [{ path: '/type', message: `no reply schema for ${type}` }] };
  }
  return run(`replies/${type}.json`, data);
}

/** A REST request body (or query) by its schema name under `schemas/rest/`. Applies schema defaults. */
export function validateRestBody(name: RestBodyName, body: unknown): ValidationResult {
  return run(`rest/${name}.json`, body);
}

/** The JSON Schema of a REST body or resource, for the OpenAPI document. */
export function schemaFor(rel: string): Record<string, unknown> | undefined {
  return schemas.find((s) => s.rel === rel)?.schema;
}

export function allSchemas(): readonly { rel: string; id: string; title: string }[] {
  return schemas.map(({ rel, schema }) => ({
    rel,
    id: schema.$id.slice(SCHEMA_BASE.length),
    title: schema.title,
  }));
}
