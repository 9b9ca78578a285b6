/**
 * `jsonable()`: FastAPI's `jsonable_encoder` for JavaScript values.
 *
 * It turns what a handler returns into plain JSON data before any serializer sees it, so
 * `Date`, `Map`, `Set`, `bigint`, bytes and class instances come out the same whether or not a
 * route has a response model, and so that `JSON.stringify` of the result can neither throw
 * (bigint, cycles) nor silently lose data (`Map` → `{}`).
 */

import { routecraftError } from '../errors.js'
import { defineOwn } from '../common/objects.js'

// ---------------------------------------------------------------------------------------------
// Types and limits
// ---------------------------------------------------------------------------------------------

/**
 * A value `JSON.stringify` writes and `JSON.parse` reads back unchanged.
 *
 * @example
 * ```ts
 * const body: JsonValue = { ok: true, items: [1, 'two', null] }
 * ```
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/**
 * Options of {@link jsonable}.
 *
 * @example
 * ```ts
 * const options: JsonableOptions = { excludeNone: true }
 * jsonable({ a: 1, b: undefined, c: null }, options) // { a: 1 }
 * ```
 */
export interface JsonableOptions {
  /** Drop object (and Map) fields whose value encodes to `null` (FastAPI's `exclude_none`). */
  excludeNone?: boolean
}

/**
 * How many objects/arrays deep a value may nest; deeper values throw `RC_ERR_JSONABLE_VALUE`.
 *
 * V8's `JSON.stringify` and `JSON.parse` overflow the stack at roughly 4,500 levels, so a deeper
 * result could never be sent anyway; 1,000 is Python's default recursion limit, which is where
 * FastAPI's recursive encoder stops too.
 *
 * @example
 * ```ts
 * let deep: unknown = null
 * for (let i = 0; i <= JSONABLE_MAX_DEPTH; i++) deep = [deep]
 * jsonable(deep) // throws RoutecraftError RC_ERR_JSONABLE_VALUE
 * ```
 */
export const JSONABLE_MAX_DEPTH = 1000

// ---------------------------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------------------------

/**
 * Converts a value to JSON data, like FastAPI's `jsonable_encoder`.
 *
 * | input | output |
 * | --- | --- |
 * | string, boolean, null | unchanged |
 * | finite number | unchanged (`-0` → `0`) |
 * | `NaN`, `±Infinity` | `null` |
 * | bigint | a number when it is a safe integer, else its decimal string |
 * | `Date` | `toISOString()`; an invalid Date → `null` |
 * | `Map` | an object; primitive keys through `String()`, object keys encoded (a string result as is, anything else as its JSON text), function keys dropped |
 * | `Set` | an array |
 * | `Buffer`, typed arrays, `DataView`, `ArrayBuffer` | the bytes as a UTF-8 string when they are valid UTF-8, else base64 |
 * | `URL` | `href` |
 * | `RegExp` | `source` |
 * | boxed primitives (`new Number(1)`) | the primitive |
 * | object with a `toJSON()` method | `toJSON(key)`'s result, encoded |
 * | array | element-wise; `undefined`, functions and symbols → `null` |
 * | other objects (plain, class instances, null-prototype) | own enumerable string-keyed fields; `undefined`, function and symbol fields dropped |
 * | `undefined` at the top | `null` |
 *
 * Throws `RC_ERR_JSONABLE_CYCLE` for a reference cycle (naming the path, e.g. `$.a.b`; an object
 * that merely appears twice is fine and encoded twice), and `RC_ERR_JSONABLE_VALUE` for a
 * function or a symbol at the top, or nesting deeper than {@link JSONABLE_MAX_DEPTH}.
 * Output objects are fresh: a `__proto__` key becomes an own data property and never a prototype.
 *
 * @example
 * ```ts
 * jsonable({ at: new Date(0), tags: new Set(['a']), big: 2n ** 64n, skip: undefined })
 * // { at: '1970-01-01T00:00:00.000Z', tags: ['a'], big: '18446744073709551616' }
 * jsonable({ a: 1, b: null }, { excludeNone: true }) // { a: 1 }
 * ```
 */
export function jsonable (value: unknown, options?: JsonableOptions): JsonValue {
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw routecraftError('RC_ERR_JSONABLE_VALUE', 'top', { type: typeof value })
  }
  const state: State = { path: [], stack: [], excludeNone: options?.excludeNone === true }
  return encodeValue(value, '', state, false) ?? null
}

// The walk is recursive; the depth limit keeps it far from the stack's end.
interface State {
  /** Keys from the root to the value being encoded. */
  path: Array<string | number>
  /** Objects being encoded (ancestors of the current value), with the path length at each. */
  stack: Array<{ object: object; depth: number }>
  excludeNone: boolean
}

/** `undefined` means "no JSON value here": the field is dropped, or becomes `null` in arrays. */
function encodeValue (value: unknown, key: string, state: State, toJsonDone: boolean): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      // JSON has no -0: normalising it keeps jsonable(x) equal to its own JSON round trip.
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
    case 'object':
      return value === null ? null : encodeObject(value, key, state, toJsonDone)
    default: // undefined, function, symbol
      return undefined
  }
}

function encodeObject (object: object, key: string, state: State, toJsonDone: boolean): JsonValue | undefined {
  // Leaves first: these have a natural JSON form and no children to walk.
  if (object instanceof Number || object instanceof String || object instanceof Boolean || object instanceof BigInt) {
    return encodeValue(object.valueOf(), key, state, toJsonDone)
  }
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString()
  if (ArrayBuffer.isView(object)) return encodeBytes(new Uint8Array(object.buffer, object.byteOffset, object.byteLength))
  if (object instanceof ArrayBuffer || object instanceof SharedArrayBuffer) return encodeBytes(new Uint8Array(object))
  if (object instanceof URL) return object.href
  if (object instanceof RegExp) return object.source

  enter(object, state)
  let result: JsonValue | undefined
  if (object instanceof Map) {
    result = encodeEntries(object.entries(), state)
  } else if (object instanceof Set) {
    result = encodeItems(object.values(), state)
  } else if (Array.isArray(object)) {
    result = encodeArray(object, state)
  } else if (!toJsonDone && typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    // Called once per position, like JSON.stringify: the result's own toJSON is not called, so
    // `toJSON() { return this }` encodes the fields instead of looping.
    const replaced: unknown = (object as { toJSON: (key: string) => unknown }).toJSON(key)
    result = replaced === object
      ? encodeEntries(ownEntries(object), state)
      : encodeValue(replaced, key, state, true)
  } else {
    result = encodeEntries(ownEntries(object), state)
  }
  state.stack.pop()
  return result
}

/** Pushes a container on the ancestor stack, refusing cycles and excessive depth. */
function enter (object: object, state: State): void {
  const ancestor = state.stack.find(entry => entry.object === object)
  if (ancestor !== undefined) {
    throw routecraftError('RC_ERR_JSONABLE_CYCLE', 'cycle', { path: renderPath(state.path), ancestor: renderPath(state.path.slice(0, ancestor.depth)) })
  }
  if (state.path.length >= JSONABLE_MAX_DEPTH) {
    throw routecraftError('RC_ERR_JSONABLE_VALUE', 'depth', { max: JSONABLE_MAX_DEPTH, path: renderPath(state.path) })
  }
  state.stack.push({ object, depth: state.path.length })
}

function* ownEntries (object: object): Generator<[string, unknown]> {
  for (const name of Object.keys(object)) yield [name, (object as Record<string, unknown>)[name]]
}

function encodeEntries (entries: Iterable<[unknown, unknown]>, state: State): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {}
  for (const [rawKey, rawValue] of entries) {
    const name = keyName(rawKey, state)
    if (name === undefined) continue
    state.path.push(name)
    const encoded = encodeValue(rawValue, name, state, false)
    state.path.pop()
    if (encoded === undefined || (encoded === null && state.excludeNone)) continue
    if (name === '__proto__') {
      // Assignment would call the inherited __proto__ setter and change the prototype.
      defineOwn(out, name, encoded)
    } else {
      out[name] = encoded
    }
  }
  return out
}

/**
 * A Map key as an object key. Primitives go through `String()` (`1` → `"1"`, `true` → `"true"`,
 * a symbol → `"Symbol(desc)"`); objects are encoded first, so a Date key gives its ISO string and
 * `{ a: 1 }` gives `'{"a":1}'` instead of `"[object Object]"` (or a TypeError for a
 * null-prototype object, which has no toString). A function key drops the entry, as a function
 * value does.
 */
function keyName (rawKey: unknown, state: State): string | undefined {
  if (typeof rawKey === 'string') return rawKey
  if (typeof rawKey === 'function') return undefined
  if (typeof rawKey !== 'object' || rawKey === null) return String(rawKey)
  const encoded = encodeValue(rawKey, '', state, false)
  return typeof encoded === 'string' ? encoded : JSON.stringify(encoded)
}

function encodeArray (array: readonly unknown[], state: State): JsonValue[] {
  const out: JsonValue[] = []
  // Indexes, not for…of over entries: holes of sparse arrays read as undefined → null.
  for (let index = 0; index < array.length; index++) {
    state.path.push(index)
    out.push(encodeValue(array[index], String(index), state, false) ?? null)
    state.path.pop()
  }
  return out
}

function encodeItems (items: Iterable<unknown>, state: State): JsonValue[] {
  const out: JsonValue[] = []
  for (const item of items) {
    state.path.push(out.length)
    out.push(encodeValue(item, String(out.length), state, false) ?? null)
    state.path.pop()
  }
  return out
}

// ignoreBOM keeps a leading U+FEFF, as Python's bytes.decode('utf-8') does.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * FastAPI decodes bytes as UTF-8 (and fails on anything else); JavaScript code often holds
 * binary data in Buffers, so what is not UTF-8 is sent as base64 instead of failing.
 */
function encodeBytes (bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
  }
}

// ---------------------------------------------------------------------------------------------
// Paths in messages
// ---------------------------------------------------------------------------------------------

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** `$.a[0]["b c"]`, shortened in the middle when deep and with long keys cut. */
function renderPath (path: ReadonlyArray<string | number>): string {
  const shown = path.length > 20 ? [...path.slice(0, 10), null, ...path.slice(-10)] : path
  let out = '$'
  for (const segment of shown) {
    if (segment === null) out += `…(${path.length - 20} more)…`
    else if (typeof segment === 'number') out += `[${segment}]`
    else if (identifier.test(segment) && segment.length <= 40) out += `.${segment}`
    else out += `[${JSON.stringify(segment.length > 40 ? `${segment.slice(0, 40)}…` : segment)}]`
  }
  return out
}
