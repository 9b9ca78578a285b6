/**
 * Validation with FastAPI's error shape: validators compiled once per schema (the Ajv
 * instances are in ajv.ts, the schema preparation in schema.ts, the error conversion in
 * issues.ts), and validate(), the public helper.
 */
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { TSchema, Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { bodyAjv, composedBodyAjv, paramAjv, type Part } from './ajv.js'
import { prepareSchema } from './schema.js'
import { toIssues, type ValidationIssue, type ValidationResult } from './issues.js'

export type { Part, ValidationIssue, ValidationResult }

/** Compiles `schema` for one request parameter part, once. */
export function compileValidator (schema: TSchema, part: Exclude<Part, 'body'>): ValidateFunction {
  return paramAjv.compile(prepareSchema(schema).schema)
}

/** A compiled body check: the value with undeclared fields removed, or Ajv's errors. */
export type BodyCheck = (data: unknown) => { ok: true; value: unknown } | { ok: false; errors: ErrorObject[] }

/** Compiles `schema` for bodies (and payloads), once. */
export function compileBodyValidator (schema: TSchema): BodyCheck {
  const { schema: ready, simple } = prepareSchema(schema)
  if (simple) {
    const check = bodyAjv.compile(ready)
    /* c8 ignore next -- Ajv always sets `errors` when a check fails; `?? []` only satisfies the type */
    return data => check(data) ? { ok: true, value: data } : { ok: false, errors: check.errors ?? [] }
  }
  const check = composedBodyAjv.compile(ready)
  return data => {
    /* c8 ignore next -- Ajv always sets `errors` when a check fails; `?? []` only satisfies the type */
    if (!check(data)) return { ok: false, errors: check.errors ?? [] }
    try {
      return { ok: true, value: Value.Clean(schema, data) }
    } catch {
      /* c8 ignore next 2 -- Value.Clean only throws on references TypeBox cannot resolve */
      return { ok: true, value: data }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// validate(): the public helper for bodies routecraft does not parse (YAML, say)
// ---------------------------------------------------------------------------------------------

/**
 * Validates `value` against a TypeBox schema the way a route validates a JSON body: no
 * coercion, defaults applied, undeclared fields removed, errors in FastAPI's shape with `loc`
 * relative to the value (`["tags", 3]`, `[]` for the value itself). The value is copied
 * first, so the caller's object is never changed.
 *
 * @example
 * ```ts
 * const result = validate(Item, YAML.parse(text))
 * if (!result.ok) throw new HttpError(422, result.errors)
 * return result.value // Static<typeof Item>
 * ```
 */
export function validate<S extends TSchema> (schema: S, value: unknown): ValidationResult<Static<S>> {
  const copy = value === undefined ? undefined : structuredCloneSafe(value)
  const result = compileBodyValidator(schema)(copy)
  return result.ok ? { ok: true, value: result.value as Static<S> } : { ok: false, errors: toIssues(result.errors, [], copy === value ? undefined : { value }) }
}

function structuredCloneSafe (value: unknown): unknown {
  try {
    return structuredClone(value)
  } catch {
    // Functions or class instances with private state: validate the value itself.
    return value
  }
}
