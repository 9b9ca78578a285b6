/**
 * Validation of the request parameter parts (path, query, headers, cookies) one declaration at
 * a time: the route's own, and each dependency's before it runs, as FastAPI's
 * `solve_dependencies` validates each dependant's parameters.
 */
import type { FastifyRequest } from 'fastify'
import type { TSchema } from '@sinclair/typebox'
import type { ValidateFunction } from 'ajv'
import { compileValidator, type Part } from '../validation/validate.js'
import { toIssues, type ValidationIssue } from '../validation/issues.js'
import { appendIssues } from '../validation/limits.js'

/** The cookies validation reads and coerces: a copy, never Fastify's own object. */
export type Cookies = Record<string, string | undefined> | undefined

/** One part's compiled check and where its value is read from. */
export type PartStep = readonly [Part, ValidateFunction, (req: FastifyRequest, cookies: Cookies) => unknown]

/** The request-part schemas of one declaration (a route or a dependency). */
export interface PartSchemas {
  readonly params?: TSchema | undefined
  readonly query?: TSchema | undefined
  readonly headers?: TSchema | undefined
  readonly cookies?: TSchema | undefined
}

/**
 * `schema` with its `properties` as a plain object. A declaration may build them with an
 * object literal whose `__proto__: …` key set the prototype instead of a property; Ajv would
 * read the prototype's keys as property names.
 */
function plain (schema: TSchema): TSchema {
  const properties = schema.properties as object | undefined
  if (properties === undefined || Object.getPrototypeOf(properties) === Object.prototype) return schema
  return { ...schema, properties: Object.fromEntries(Object.entries(properties)) }
}

/** The compiled checks of `schemas`, in FastAPI's order: path, query, header, cookie. */
export function partSteps (schemas: PartSchemas): PartStep[] {
  const steps: PartStep[] = []
  if (schemas.params !== undefined) steps.push(['path', compileValidator(plain(schemas.params), 'path'), req => req.params])
  if (schemas.query !== undefined) steps.push(['query', compileValidator(plain(schemas.query), 'query'), req => req.query])
  if (schemas.headers !== undefined) steps.push(['header', compileValidator(plain(schemas.headers), 'header'), req => req.headers])
  if (schemas.cookies !== undefined) steps.push(['cookie', compileValidator(plain(schemas.cookies), 'cookie'), (_req, cookies) => cookies])
  return steps
}

/** Runs `steps`; appends their issues to `issues` (created on the first one, capped as a 422 is) and returns it. */
export function checkParts (steps: readonly PartStep[], request: FastifyRequest, cookies: Cookies, issues: ValidationIssue[] | undefined): ValidationIssue[] | undefined {
  for (let i = 0; i < steps.length; i++) {
    const [part, check, pick] = steps[i] as PartStep
    if (!check(pick(request, cookies))) issues = appendIssues(issues, toIssues(check.errors, [part]))
  }
  return issues
}
