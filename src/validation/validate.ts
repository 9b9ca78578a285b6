/**
 * Validation with FastAPI's error shape: validators compiled once per schema (the Ajv
 * instances are in ajv.ts, the schema preparation in schema.ts, the error conversion in
 * issues.ts), and validate(), the public helper.
 */
import { createRequire } from 'node:module'
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { TSchema, Static } from '@sinclair/typebox'
import type { Value as ValueModule } from '@sinclair/typebox/value'
import { bodyAjv, composedBodyAjv, paramAjv, type Part } from './ajv.js'
import { prepareSchema } from './schema.js'
import { scalarParser } from './scalars.js'
import { RECURSION_KEYWORD, toIssues, type ValidationIssue, type ValidationResult } from './issues.js'

export type { Part, ValidationIssue, ValidationResult }

// TypeBox's Value (for Value.Clean) and fast-json-stringify load on first use, not on import.
const require = createRequire(import.meta.url)
let valueModule: typeof ValueModule | undefined
const Value = (): typeof ValueModule => (valueModule ??= (require('@sinclair/typebox/value') as { Value: typeof ValueModule }).Value)

/** A fast-json-stringify serializer for `schema` (prepared as Ajv gets it). */
export function compileSerializer (schema: TSchema): (value: unknown) => string {
  const fastJsonStringify = require('fast-json-stringify') as (schema: object) => (value: unknown) => string
  return fastJsonStringify(prepareSchema(schema).schema)
}

/** Compiles `schema` for one request parameter part, once. */
export function compileValidator (schema: TSchema, part: Exclude<Part, 'body'>): ValidateFunction {
  const ready = prepareSchema(schema).schema
  const check = paramAjv().compile(ready)
  // Scalars are parsed as pydantic parses them before Ajv checks the rest (scalars.ts).
  const parse = scalarParser(ready)
  if (parse === undefined) return check
  const parsed = ((data: unknown) => {
    parse(data)
    return check(data)
  }) as ValidateFunction
  Object.defineProperty(parsed, 'errors', { get: () => check.errors })
  return parsed
}

/**
 * `check`, answering a value nested too deeply for the stack (Ajv validates a recursive
 * schema by recursion: a body of a few thousand nested arrays overflows it) with one
 * `recursion_loop` error for the whole value instead of throwing.
 */
function deepGuard (check: ValidateFunction): ValidateFunction {
  let errors: ErrorObject[] | null | undefined
  const guarded = ((data: unknown) => {
    try {
      const ok = check(data)
      errors = check.errors
      return ok
    } catch (err) {
      if (!(err instanceof RangeError)) throw err
      errors = [{ keyword: RECURSION_KEYWORD, instancePath: '', schemaPath: '#', params: {}, data }]
      return false
    }
  }) as ValidateFunction
  Object.defineProperty(guarded, 'errors', { get: () => errors })
  return guarded
}

/** A compiled body check: the value with undeclared fields removed, or Ajv's errors. */
export type BodyCheck = (data: unknown) => { ok: true; value: unknown } | { ok: false; errors: ErrorObject[] }

/** Compiles `schema` for bodies (and payloads), once. */
export function compileBodyValidator (schema: TSchema): BodyCheck {
  const { schema: ready, simple, references } = prepareSchema(schema)
  if (simple) {
    const check = deepGuard(bodyAjv().compile(ready))
    /* c8 ignore next -- Ajv always sets `errors` when a check fails; `?? []` only satisfies the type */
    return data => check(data) ? { ok: true, value: data } : { ok: false, errors: check.errors ?? [] }
  }
  const check = deepGuard(composedBodyAjv().compile(ready))
  const clean = Value().Clean
  return data => {
    /* c8 ignore next -- Ajv always sets `errors` when a check fails; `?? []` only satisfies the type */
    if (!check(data)) return { ok: false, errors: check.errors ?? [] }
    try {
      return { ok: true, value: clean(schema, references, data) }
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
  return validateCopy(compileBodyValidator(schema), value, 'validate') as ValidationResult<Static<S>>
}

const UNCLONEABLE = 'Value error, the payload cannot be cloned (functions or class instances with private state)'

/**
 * Validates a copy of `value` with `check` (validation removes undeclared fields and fills
 * defaults: the caller's value is never changed), issues located in the caller's value. A
 * value structuredClone cannot copy (functions, class instances with private state) is
 * validated as it is (`'validate'`: validate()) or refused with a `value_error` (`'refuse'`:
 * a webhook payload, which must survive being sent as JSON).
 */
export function validateCopy (check: BodyCheck, value: unknown, uncloneable: 'validate' | 'refuse'): ValidationResult<unknown> {
  let copy = value
  try {
    copy = structuredClone(value)
  } catch {
    if (uncloneable === 'refuse') return { ok: false, errors: [{ type: 'value_error', loc: [], msg: UNCLONEABLE, input: null }] }
  }
  const result = check(copy)
  return result.ok ? { ok: true, value: result.value } : { ok: false, errors: toIssues(result.errors, [], copy === value ? undefined : { value }) }
}
