/**
 * Values that end up in the OpenAPI document (`openapiExtra`, `responses`, the options of
 * `openapi()`, security scheme objects, schemas), checked when they are declared so that
 * serving the document can never fail on them: no reference cycle, no nesting deeper than
 * {@link DOCUMENT_LIMITS}`.depth`, no more than {@link DOCUMENT_LIMITS}`.values` values, and
 * nothing JSON cannot carry (a BigInt, a symbol, a function, `NaN` or an infinity, a getter or a
 * `toJSON` that throws).
 *
 * Plain values are snapshotted: {@link snapshotJson} returns a deep copy made of plain objects
 * and arrays, with getters and `toJSON` already run, so a later change to the object the app
 * declared changes nothing. Schemas are checked in place and kept ({@link checkSchemaTree}):
 * their identity matters (compiled validators are shared per schema object), so they must not
 * be changed after they are declared, as TypeBox's own types are not; a getter or setter in a
 * schema is refused, since it could answer differently later.
 */
import { RoutecraftError, routecraftError } from '../errors.js'
import { COMPOSING_KEYWORDS, keywordProblem, LITERAL_KEYWORDS, recordSchemaFacts, TYPEBOX_KIND as Kind } from '../common/schemas.js'
import { defineOwn } from '../common/objects.js'

/** The caps of a declared document value (one `openapiExtra`, one schema, one option). */
export const DOCUMENT_LIMITS = Object.freeze({
  /** Nesting levels of objects and arrays. */
  depth: 256,
  /** Values in all (every property value and array item counts, shared objects once per use). */
  values: 100_000,
})


interface Walk {
  /** Names the value in messages: `route GET /items: openapiExtra` (made only for a message). */
  readonly what: string | (() => string)
  /** The keys from the root to the current value; the path of a message is built from them. */
  readonly keys: string[]
  /** The objects on the path from the root to the current value (at most 256: a list is cheapest). */
  readonly ancestors: object[]
  values: number
  /** What is being read, for the message when reading throws. */
  reading: string
  /** In a schema: its code for keyword mistakes, and what its schema nodes hold (see SchemaFacts). */
  readonly code?: SchemaCode
  ids: boolean
  refs: boolean
  composing: boolean
}

/** The code of a schema's keyword mistakes: a route's or a webhook's. */
export type SchemaCode = 'RC_ERR_ROUTE_SCHEMA' | 'RC_ERR_WEBHOOK_SCHEMA'

/** Thrown inside a walk; the entry points turn it into a RoutecraftError with the path. */
class Refusal {
  constructor (readonly make: (at: string) => RoutecraftError) {}
}

function pathOf (keys: readonly string[]): string {
  let path = ''
  for (const key of keys) {
    if (/^(?:0|[1-9]\d*)$/.test(key)) path += `[${key}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) path += `.${key}`
    else path += `[${JSON.stringify(key.length > 40 ? key.slice(0, 40) + '…' : key)}]`
  }
  // A path 256 levels deep is shown by its end.
  return path.length > 120 ? `…${path.slice(-100)}` : path
}

function isRoutecraftError (err: unknown): boolean {
  return safeInstanceOf(err, RoutecraftError)
}

function safeInstanceOf (err: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  // `instanceof` asks a Proxy for its prototype, which may throw too.
  try {
    return err instanceof type
  } catch {
    return false
  }
}

function describeThrown (err: unknown): string {
  // Only the class name: the message is the app's, and a Proxy can make even it throw.
  try {
    return err instanceof Error ? err.name : typeof err
  } catch {
    return 'a value'
  }
}

/** Runs a walk; a refusal, or whatever a getter, Proxy trap or `toJSON` threw, becomes a RoutecraftError naming the path. */
function run<T> (walk: Walk, body: () => T): T {
  try {
    return body()
  } catch (err) {
    const at = `${typeof walk.what === 'string' ? walk.what : walk.what()}${pathOf(walk.keys)}`
    if (safeInstanceOf(err, Refusal)) throw (err as Refusal).make(at)
    throw routecraftError('RC_ERR_OPENAPI_READ', 'read', { at, reading: walk.reading, thrown: describeThrown(err) })
  }
}

/** Counts `n` values; refuses past the cap. */
function count (walk: Walk, n: number): void {
  walk.values += n
  if (walk.values > DOCUMENT_LIMITS.values) {
    throw new Refusal(at => routecraftError('RC_ERR_OPENAPI_SIZE', 'size', { at, max: DOCUMENT_LIMITS.values }))
  }
}

/** Refuses unless `n` more values fit under the cap (checked before reading them). */
function room (walk: Walk, n: number): void {
  if (walk.values + n > DOCUMENT_LIMITS.values) count(walk, n)
}

/** Whether `value` is a primitive JSON can write; refuses one it cannot. */
function isPrimitive (value: unknown): boolean {
  switch (typeof value) {
    case 'string': case 'boolean': case 'undefined':
      return true
    case 'number':
      if (!Number.isFinite(value)) throw new Refusal(at => routecraftError('RC_ERR_OPENAPI_VALUE', 'number', { at, value }))
      return true
    case 'bigint': case 'symbol': case 'function':
      throw new Refusal(at => routecraftError('RC_ERR_OPENAPI_VALUE', 'type', { at, type: typeof value }))
    default:
      return value === null
  }
}

function enter (walk: Walk, value: object, depth: number): void {
  if (depth >= DOCUMENT_LIMITS.depth) throw new Refusal(at => routecraftError('RC_ERR_OPENAPI_DEPTH', 'depth', { at, max: DOCUMENT_LIMITS.depth }))
  if (walk.ancestors.includes(value)) throw new Refusal(at => routecraftError('RC_ERR_OPENAPI_CYCLE', 'cycle', { at }))
  walk.ancestors.push(value)
}

/** `obj.toJSON` when it is a function. */
function toJSONOf (walk: Walk, obj: object): (() => unknown) | undefined {
  walk.reading = 'reading toJSON'
  const toJSON = (obj as { toJSON?: unknown }).toJSON
  return typeof toJSON === 'function' ? toJSON as () => unknown : undefined
}

function copy (walk: Walk, value: unknown, depth: number): unknown {
  count(walk, 1)
  if (isPrimitive(value)) return value
  const obj = value as object
  walk.reading = 'a Proxy'
  if (Kind in obj) {
    checkNode(walk, obj, depth, false)
    return obj
  }
  const toJSON = toJSONOf(walk, obj)
  enter(walk, obj, depth)
  let out: unknown
  if (toJSON !== undefined) {
    walk.reading = 'toJSON()'
    out = copy(walk, toJSON.call(obj), depth + 1)
  } else if (Array.isArray(obj)) {
    walk.reading = 'reading the length'
    const length = obj.length
    room(walk, length)
    const items = new Array<unknown>(length)
    for (let i = 0; i < length; i++) {
      walk.keys.push(String(i))
      walk.reading = 'reading the item'
      items[i] = copy(walk, obj[i], depth + 1)
      walk.keys.pop()
    }
    out = items
  } else {
    const rec = obj as Record<string, unknown>
    walk.reading = 'listing the keys'
    const target: Record<string, unknown> = {}
    for (const key of Object.keys(rec)) {
      // `__proto__` never means anything in OpenAPI, and later consumers may assign it.
      if (key === '__proto__') continue
      walk.keys.push(key)
      walk.reading = 'reading the property'
      const item = copy(walk, rec[key], depth + 1)
      if (item !== undefined) defineOwn(target, key, item)
      walk.keys.pop()
    }
    out = target
  }
  walk.ancestors.pop()
  return out
}

/**
 * A schema node (or an object inside one), checked in place. `schema`: the node is a schema
 * (not a value under `default`, `examples`, `const` or `enum`), so its keywords count.
 */
function checkNode (walk: Walk, node: object, depth: number, schema: boolean): void {
  enter(walk, node, depth)
  walk.reading = 'a Proxy'
  // An array's length first: a sparse array of a billion holes is refused before it is read.
  const array = Array.isArray(node)
  if (array) room(walk, node.length)
  walk.reading = 'listing the keys'
  for (const key of Object.keys(node)) {
    walk.keys.push(key)
    walk.reading = 'reading the property'
    // A key Object.keys listed has a descriptor (a Proxy that lies fails here, as a read).
    const d = Object.getOwnPropertyDescriptor(node, key) as PropertyDescriptor
    if (typeof d.get === 'function' || typeof d.set === 'function') {
      throw new Refusal(at => routecraftError('RC_ERR_OPENAPI_VALUE', 'accessor', { at }))
    }
    // Read as the compilers and the document will read it (a Proxy's `get` may differ from
    // its descriptors).
    const value = (node as Record<string, unknown>)[key]
    if (schema && !array) note(walk, key, value)
    checkValue(walk, value, depth + 1, schema && (array || !LITERAL_KEYWORDS.has(key)))
    walk.keys.pop()
  }
  // Only a schema's own walk (checkSchemaTree, which gives the code) has schema nodes.
  const problem = schema && !array ? keywordProblem(node as Record<string, unknown>) : undefined
  if (problem !== undefined) throw new Refusal(() => routecraftError(walk.code as SchemaCode, problem.message, problem.values))
  walk.ancestors.pop()
}

/** Records what a schema node's keyword tells the later steps (see SchemaFacts). */
function note (walk: Walk, key: string, value: unknown): void {
  if (COMPOSING_KEYWORDS.has(key)) walk.composing = true
  if (key === '$id' && typeof value === 'string') walk.ids = true
  else if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) walk.refs = true
}

function checkValue (walk: Walk, value: unknown, depth: number, schema: boolean): void {
  count(walk, 1)
  if (isPrimitive(value)) return
  const obj = value as object
  const toJSON = toJSONOf(walk, obj)
  if (toJSON !== undefined) {
    // A Date as a `default`, say: what JSON writes is what counts.
    enter(walk, obj, depth)
    walk.reading = 'toJSON()'
    checkValue(walk, toJSON.call(obj), depth + 1, schema)
    walk.ancestors.pop()
    return
  }
  checkNode(walk, obj, depth, schema)
}

function newWalk (what: string | (() => string), code?: SchemaCode): Walk {
  return { what, keys: [], ancestors: [], values: 0, reading: 'reading', code, ids: false, refs: false, composing: false }
}

/**
 * A deep copy of `value` as JSON has it: plain objects and arrays (own enumerable string keys;
 * `undefined` properties and `__proto__` keys left out; `toJSON` applied), with TypeBox schemas
 * kept as they are after {@link checkSchemaTree}'s check. Throws a RoutecraftError
 * (`RC_ERR_OPENAPI_CYCLE`, `_DEPTH`, `_SIZE`, `_VALUE`, `_READ`) naming `what` and the path.
 *
 * @example
 * ```ts
 * snapshotJson({ 'x-rate-limit': 10, when: new Date(0) }, 'route GET /items: openapiExtra')
 * // { 'x-rate-limit': 10, when: '1970-01-01T00:00:00.000Z' }
 * ```
 */
export function snapshotJson<T> (value: T, what: string): T {
  const walk = newWalk(what)
  return run(walk, () => copy(walk, value, 0)) as T
}

// Schemas found sound; a schema object is walked once per process.
const checkedSchemas = new WeakSet<object>()

/**
 * Throws unless `schema` is a finite tree of JSON values within {@link DOCUMENT_LIMITS}, with
 * no getter or setter anywhere in it, and (given `code`) no keyword mistake in its schema nodes
 * (see keywordProblem). The schema itself is not copied. What its schema nodes hold is recorded
 * (see SchemaFacts), so that the later steps need not walk it again. `what` names it in
 * messages (a function: made only for a message).
 */
export function checkSchemaTree (schema: object, what: string | (() => string), code: SchemaCode): void {
  if (checkedSchemas.has(schema)) return
  const walk = newWalk(what, code)
  run(walk, () => { checkNode(walk, schema, 0, true) })
  checkedSchemas.add(schema)
  recordSchemaFacts(schema, { ids: walk.ids, refs: walk.refs, composing: walk.composing })
}

/**
 * Runs a declaration's checks, turning whatever its reading throws (a getter, a Proxy trap, a
 * `toString`) into `RC_ERR_DECLARATION_READ`: a declaration is data, and reading it must
 * either work or fail as a RoutecraftError. RoutecraftErrors pass through.
 *
 * @example
 * ```ts
 * guardDeclaration('route()', () => declareRoute(decl))
 * ```
 */
export function guardDeclaration<T> (what: string, check: () => T): T {
  try {
    return check()
  } catch (err) {
    if (isRoutecraftError(err)) throw err
    throw routecraftError('RC_ERR_DECLARATION_READ', 'read', { what, thrown: describeThrown(err) })
  }
}
