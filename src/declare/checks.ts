/**
 * Small validators for declarations: each throws a RoutecraftError with a stable code when a
 * declaration cannot work, so mistakes surface when the route is declared.
 */
import { Kind, type TSchema } from '@sinclair/typebox'
import { RoutecraftError, type RoutecraftErrorCode } from '../errors.js'
import type { ResponseSpec } from './types.js'

export const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'])

/** Upper-cased, de-duplicated methods; throws on an unknown one. */
export function checkMethods (method: unknown, where: string): string[] {
  const list = Array.isArray(method) ? method : [method]
  if (list.length === 0) throw new RoutecraftError('RC_ERR_ROUTE_METHOD', `${where}: method must name at least one HTTP method`)
  const out: string[] = []
  for (const m of list) {
    const up = typeof m === 'string' ? m.toUpperCase() : ''
    if (!METHODS.has(up)) throw new RoutecraftError('RC_ERR_ROUTE_METHOD', `${where}: unknown HTTP method ${JSON.stringify(m)}; use one of ${[...METHODS].join(', ')}`)
    if (!out.includes(up)) out.push(up)
  }
  return out
}

/** Whether `value` is a TypeBox schema. */
export function isTypeBox (value: unknown): value is TSchema {
  return typeof value === 'object' && value !== null && Kind in value
}

/** Throws unless `value` is undefined or a TypeBox schema (an object schema when `object`). */
export function checkSchema (value: unknown, slot: string, where: string, object = false): TSchema | undefined {
  if (value === undefined) return undefined
  if (!isTypeBox(value)) {
    throw new RoutecraftError('RC_ERR_ROUTE_SCHEMA', `${where}: ${slot} must be a TypeBox schema (Type.Object(...), Type.String(), …), got ${describe(value)}`)
  }
  if (object && (value.type !== 'object' || typeof value.properties !== 'object' || value.properties === null)) {
    throw new RoutecraftError('RC_ERR_ROUTE_SCHEMA', `${where}: ${slot} must be a Type.Object(...) schema, one property per ${slot === 'params' ? 'path parameter' : slot === 'query' ? 'query parameter' : slot === 'headers' ? 'header' : 'cookie'}`)
  }
  return value
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'a plain object (wrap JSON schemas with Type.Unsafe())'
  return typeof value
}

/**
 * Throws unless `value` is a final status code, an integer from 200 to 599: a 1xx status is
 * interim, and a route answering one would leave its clients waiting for the final answer.
 */
export function checkStatus (value: unknown, where: string, code: RoutecraftErrorCode = 'RC_ERR_ROUTE_STATUS'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 200 || value > 599) {
    throw new RoutecraftError(code, `${where}: status must be a final status, an integer from 200 to 599 (1xx statuses are interim), got ${JSON.stringify(value)}`)
  }
  return value
}

/** Throws on option keys the declaration does not know (typos such as `respone`). */
export function checkKeys (decl: object, allowed: ReadonlySet<string>, where: string, code: RoutecraftErrorCode = 'RC_ERR_ROUTE_OPTION'): void {
  for (const key of Object.keys(decl)) {
    if (!allowed.has(key)) throw new RoutecraftError(code, `${where}: unknown option "${key}"; known options: ${[...allowed].join(', ')}`)
  }
}

const STATUS_KEY = /^([1-5]\d\d|[1-5]XX|default)$/

/** Normalizes `responses`: keys are status codes, `1XX`–`5XX` or `default`. */
export function checkResponses (value: unknown, where: string): Record<string, ResponseSpec> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RoutecraftError('RC_ERR_ROUTE_OPTION', `${where}: responses must be an object keyed by status code`)
  }
  const out: Record<string, ResponseSpec> = {}
  for (const [key, spec] of Object.entries(value as Record<string, unknown>)) {
    if (!STATUS_KEY.test(key)) throw new RoutecraftError('RC_ERR_ROUTE_STATUS', `${where}: responses key "${key}" is not a status code (100–599, 1XX–5XX or default)`)
    if (typeof spec !== 'object' || spec === null) throw new RoutecraftError('RC_ERR_ROUTE_OPTION', `${where}: responses[${key}] must be an object`)
    const s = spec as ResponseSpec
    checkSchema(s.schema, `responses[${key}].schema`, where)
    out[key] = s
  }
  return out
}

/** Throws unless `value` is undefined or a string. */
export function checkString (value: unknown, option: string, where: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw new RoutecraftError('RC_ERR_ROUTE_OPTION', `${where}: ${option} must be a string`)
  return value
}
