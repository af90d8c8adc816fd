/**
 * Request validation with two AJV instances: bodies are validated strictly (no coercion, no
 * defaults, unknown fields rejected), while path, query and header values — always strings on
 * the wire — are coerced to the schema's types. Errors become BERTH_ERR_VALIDATION with the
 * offending field as a dotted path (`spec.nodeGroups[0].count`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { BerthError } from '@berth/errors';
import { resolveVersion, type VersionItem } from '@berth/api-types';

// ajv-formats is CommonJS (default export on `.default` under NodeNext) and is typed against its
// own copy of ajv, hence the cast to a plugin of ours.
const formatsModule = addFormatsModule as unknown as { default?: unknown };
const addFormats = (formatsModule.default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export type AjvInstance = Ajv;

function newAjv(coerce: boolean): AjvInstance {
  const ajv = new Ajv({
    allErrors: false,
    coerceTypes: coerce,
    useDefaults: false,
    removeAdditional: false,
    verbose: true,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

export interface Validators {
  body: AjvInstance;
  params: AjvInstance;
}

export function createValidators(): Validators {
  return { body: newAjv(false), params: newAjv(true) };
}

/** `/spec/nodeGroups/0/count` → `spec.nodeGroups[0].count`. */
export function pointerToPath(pointer: string, prefix = ''): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = prefix;
  for (const part of parts) {
    if (/^\d+$/.test(part)) path += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) path += path === '' ? part : `.${part}`;
    else path += `[${JSON.stringify(part)}]`;
  }
  return path;
}

function join(path: string, child: string): string {
  return path === '' ? child : `${path}.${child}`;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'pattern':
    case 'format':
      return description
        ? `is not valid: ${description}`
        : `is not valid (${error.message ?? 'bad format'})`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** Converts AJV's first error into the API's validation error. `prefix` names the part. */
export function validationError(errors: readonly ErrorObject[], prefix = ''): BerthError {
  const error = errors[0];
  if (!error) return new BerthError('BERTH_ERR_VALIDATION', 'request is invalid');
  const params = error.params as Record<string, unknown>;
  let field = pointerToPath(error.instancePath, prefix);
  if (error.keyword === 'required') field = join(field, String(params.missingProperty));
  if (error.keyword === 'additionalProperties')
    field = join(field, String(params.additionalProperty));
  const where = field === '' ? 'request body' : field;
  return new BerthError('BERTH_ERR_VALIDATION', `${where} ${describe(error)}`, {
    field: field || undefined,
  });
}

/** Compiles `schema` once and returns a checker that throws BERTH_ERR_VALIDATION at `prefix`. */
export function checker<T>(
  ajv: AjvInstance,
  schema: TSchema,
  prefix: string,
): (value: unknown) => T {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => {
    if (!validate(value)) throw validationError(validate.errors ?? [], prefix);
    return value as T;
  };
}

/** @throws BERTH_ERR_VALIDATION on `version` when the catalog does not offer it. */
export function requireOfferedVersion(version: string, versions: readonly VersionItem[]): void {
  if (resolveVersion(version, versions)) return;
  const known = versions.map((v) => v.version).join(', ');
  throw new BerthError(
    'BERTH_ERR_VALIDATION',
    `unsupported version "${version}"; supported: ${known}`,
    {
      field: 'version',
    },
  );
}
