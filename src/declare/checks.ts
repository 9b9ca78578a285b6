/**
 * Small validators for declarations: each throws a RoutecraftError with a stable code when a
 * declaration cannot work, so mistakes surface when the route is declared.
 */
import { Kind, type TSchema } from '@sinclair/typebox'
import { routecraftError } from '../errors.js'
import { describeValue, isRecord, unknownKey } from '../common/objects.js'
import { isStatus } from '../common/http.js'
import type { ResponseSpec } from './types.js'
import { checkSchemaTree, snapshotJson } from './json.js'

export const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'])

/** The codes the shared checks raise: each declaring function its own (a webhook is never reported as a route). */
export interface CheckCodes {
  readonly method: 'RC_ERR_ROUTE_METHOD' | 'RC_ERR_WEBHOOK_METHOD'
  readonly schema: 'RC_ERR_ROUTE_SCHEMA' | 'RC_ERR_WEBHOOK_SCHEMA'
  readonly status: 'RC_ERR_ROUTE_STATUS' | 'RC_ERR_WEBHOOK_STATUS'
  readonly option: 'RC_ERR_ROUTE_OPTION' | 'RC_ERR_WEBHOOK_OPTION'
}
export const ROUTE_CODES: CheckCodes = { method: 'RC_ERR_ROUTE_METHOD', schema: 'RC_ERR_ROUTE_SCHEMA', status: 'RC_ERR_ROUTE_STATUS', option: 'RC_ERR_ROUTE_OPTION' }
export const WEBHOOK_CODES: CheckCodes = { method: 'RC_ERR_WEBHOOK_METHOD', schema: 'RC_ERR_WEBHOOK_SCHEMA', status: 'RC_ERR_WEBHOOK_STATUS', option: 'RC_ERR_WEBHOOK_OPTION' }

/** Upper-cased, de-duplicated methods; throws on an unknown one. */
export function checkMethods (method: unknown, where: string, codes = ROUTE_CODES): string[] {
  const list = Array.isArray(method) ? method : [method]
  if (list.length === 0) throw routecraftError(codes.method, 'none', { where })
  const out: string[] = []
  for (const m of list) {
    const up = typeof m === 'string' ? m.toUpperCase() : ''
    if (!METHODS.has(up)) throw routecraftError(codes.method, 'unknown', { where, method: m, known: METHODS })
    if (!out.includes(up)) out.push(up)
  }
  return out
}

/** Whether `value` is a TypeBox schema. */
export function isTypeBox (value: unknown): value is TSchema {
  return typeof value === 'object' && value !== null && Kind in value
}

/** Throws unless `value` is undefined or a TypeBox schema (an object schema when `object`). */
export function checkSchema (value: unknown, slot: string, where: string, object = false, codes = ROUTE_CODES): TSchema | undefined {
  if (value === undefined) return undefined
  if (!isTypeBox(value)) {
    throw routecraftError(codes.schema, 'notTypeBox', { where, slot, got: isRecord(value) ? 'a plain object (wrap JSON schemas with Type.Unsafe())' : describeValue(value) })
  }
  if (object && (value.type !== 'object' || typeof value.properties !== 'object' || value.properties === null)) {
    throw routecraftError(codes.schema, 'notObject', { where, slot, part: PARTS[slot] ?? 'cookie' })
  }
  checkSchemaTree(value, () => `${where}: ${slot}`, codes.schema)
  return value
}

const PARTS: Readonly<Record<string, string>> = { params: 'path parameter', query: 'query parameter', headers: 'header' }


/**
 * Throws unless `value` is a final status code, an integer from 200 to 599: a 1xx status is
 * interim, and a route answering one would leave its clients waiting for the final answer.
 */
export function checkStatus (value: unknown, where: string): number {
  if (!isStatus(value, 200)) {
    throw routecraftError('RC_ERR_ROUTE_STATUS', 'final', { where, status: value })
  }
  return value
}

/** Throws on option keys the declaration does not know (typos such as `respone`). */
export function checkKeys (decl: object, allowed: ReadonlySet<string>, where: string, code: CheckCodes['option'] | 'RC_ERR_DEPENDENCY_SHAPE'): void {
  const unknown = unknownKey(decl, allowed)
  if (unknown !== undefined) throw routecraftError(code, 'unknown', { where, key: unknown, known: allowed })
}

const STATUS_KEY = /^([1-5]\d\d|[1-5]XX|default)$/

/** Normalizes `responses`: keys are status codes, `1XX`–`5XX` or `default`. */
export function checkResponses (declared: unknown, where: string, codes = ROUTE_CODES): Record<string, ResponseSpec> {
  if (declared === undefined) return {}
  if (!isRecord(declared)) {
    throw routecraftError(codes.option, 'responses', { where })
  }
  // A copy, read once: later changes to the declared object change nothing.
  const value = snapshotJson(declared, `${where}: responses`)
  const out: Record<string, ResponseSpec> = {}
  for (const [key, spec] of Object.entries(value as Record<string, unknown>)) {
    if (!STATUS_KEY.test(key)) throw routecraftError(codes.status, 'responsesKey', { where, key })
    if (typeof spec !== 'object' || spec === null) throw routecraftError(codes.option, 'object', { where, option: `responses[${key}]` })
    const s = spec as ResponseSpec
    checkSchema(s.schema, `responses[${key}].schema`, where, false, codes)
    if (s.description !== undefined && typeof s.description !== 'string') throw routecraftError(codes.option, 'responseDescription', { where, key })
    for (const part of ['content', 'headers'] as const) {
      const map: unknown = s[part]
      if (map !== undefined && (!isRecord(map) || !Object.values(map).every(isRecord))) {
        throw routecraftError(codes.option, 'responseMap', { where, key, part, what: part === 'content' ? 'media types to media type objects' : 'header names to header objects' })
      }
    }
    out[key] = s
  }
  return out
}

/** Throws unless `value` is undefined or a string. */
export function checkString (value: unknown, option: string, where: string, codes = ROUTE_CODES): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw routecraftError(codes.option, 'string', { where, option })
  return value
}
