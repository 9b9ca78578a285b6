/**
 * The Ajv instances. One instance for request parameters (path, query, headers, cookies: strings coerced to
 * the declared types, a single value to an array as FastAPI does for list parameters) and one
 * for bodies (no coercion at all: FastAPI/Pydantic does not turn a scalar into a list). Both
 * keep `addUsedSchema: false`, as Fastify does, so two apps in one process may each use their
 * own schema with `$id: 'Item'`. Validators are compiled once per schema object (Ajv caches
 * by identity) when a route is first used, never per request.
 *
 * Ajv and its formats are loaded, and the instances made, on the first compilation, not when
 * routecraft is imported: an app pays for them when its first route is first used. Both are
 * CommonJS, so a synchronous require keeps compilation synchronous.
 */
import { createRequire } from 'node:module'
import type { Ajv } from 'ajv'

const require = createRequire(import.meta.url)

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

// FastAPI accepts `2023-01-01T12:00:00` (no zone); RFC 3339's strict date-time does not. The
// lenient format accepts a date, `T`/`t`/space, a time with optional fraction, optional zone.
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d(:([0-5]\d|60)(\.\d+)?)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/

function isDateTime (s: string): boolean {
  if (!DATE_TIME.test(s)) return false
  const year = Number(s.slice(0, 4))
  const month = Number(s.slice(5, 7))
  const day = Number(s.slice(8, 10))
  // Days in the month (Date's day 0 of the next month); a plain regex lets 2023-02-30 through.
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function makeAjv (coerce: boolean, removeAdditional: true | 'all'): Ajv {
  const { Ajv } = require('ajv') as typeof import('ajv')
  // ajv-formats is CommonJS; its module is the plugin function.
  const addFormats = require('ajv-formats') as (ajv: Ajv, formats?: string[]) => Ajv
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional,
    allErrors: true,
    verbose: true,
    strict: false,
    addUsedSchema: false,
    // No check of every schema against JSON Schema's meta-schema, which would compile that
    // meta-schema on each instance's first use (most of a first request's time): schemas are
    // checked when declared (schema.ts), and Ajv still refuses a keyword value of the wrong
    // type when compiling.
    validateSchema: false,
    // TypeBox adds [Kind] symbols only; its string keywords are all standard.
  })
  addFormats(ajv)
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime })
  return ajv
}

let param: Ajv | undefined
let body: Ajv | undefined
let composedBody: Ajv | undefined

/** Request parameters: strings coerced to the declared types. Each instance is made on first use. */
export const paramAjv = (): Ajv => (param ??= makeAjv(true, true))
// Bodies: FastAPI (Pydantic) ignores fields a model does not declare, so the handler never
// sees them. For a plain tree of objects Ajv's `removeAdditional: 'all'` does that inside the
// compiled validator; where the tree composes schemas (allOf, anyOf, $ref, …) 'all' would
// remove the properties of the other branches, so validation keeps them and TypeBox's
// Value.Clean, which understands composition, removes the undeclared ones afterwards.
export const bodyAjv = (): Ajv => (body ??= makeAjv(false, 'all'))
export const composedBodyAjv = (): Ajv => (composedBody ??= makeAjv(false, true))

/** Where a value came from; the first element of an error's `loc`. */
export type Part = 'path' | 'query' | 'header' | 'cookie' | 'body'

