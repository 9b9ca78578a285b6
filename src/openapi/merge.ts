/**
 * Deep merge for OpenAPI fragments (`openapiExtra`, overrides), with FastAPI's
 * `deep_dict_update` semantics (fastapi/utils.py):
 *
 * - plain object into plain object: recurse key by key (keys of `base` keep their order,
 *   new keys of `extra` follow, as a Python dict update does);
 * - array onto array: concatenate, `base` items first;
 * - anything else (scalar, `null`, a type mismatch): the `extra` value replaces.
 *
 * Where routecraft departs from FastAPI, and why:
 * - FastAPI updates its first argument in place and shares list items; here inputs are never
 *   mutated and the result shares no plain object or array with either input, because the
 *   same declaration objects are reused across servers and documents.
 * - `undefined` as a property value of `extra` is skipped: JSON has no `undefined`, and a
 *   spread `{ ...opts }` with an unset option must not erase what the generator wrote.
 *   (`undefined` inside an array is copied as it is: skipping it would shift the indexes.)
 * - The keys `__proto__`, `constructor` and `prototype` found in `extra`, at any depth, are
 *   skipped. `extra` is user input (often `JSON.parse`d, which makes `__proto__` an own key),
 *   and no OpenAPI keyword has one of these names; dropping them outright is simpler to
 *   reason about than proving every later consumer handles them. The cost: a schema property
 *   literally named `constructor` cannot be added through `extra`. `base` (the generated
 *   document) is copied faithfully, those keys included, so `deepMerge(a, {})` equals `a`.
 * - Every property is created with `Object.defineProperty`, never `obj[key] = …`, so even a
 *   faithfully copied own `__proto__` key stays an own data property of the copy and never
 *   reaches a prototype.
 * - Only own enumerable string keys are copied (the document is JSON; symbol keys such as
 *   TypeBox's `Kind` are dropped). Values that are neither plain objects nor arrays (Date,
 *   class instances, functions) are leaves: they are taken as they are, not cloned, since
 *   cloning would lose their prototype and the serialiser handles them (`toJSON`).
 * - The results are ordinary objects (prototype `Object.prototype`), also for null-prototype
 *   inputs.
 */

import { defineOwn as define, isPlainObject } from '../common/objects.js'

/** Keys of `extra` that are never copied (see the module comment). */
const unsafeKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * A deep copy of plain objects and arrays. `fromExtra` applies the rules for user input:
 * unsafe keys and `undefined` property values are skipped.
 */
function copy (value: unknown, fromExtra: boolean): unknown {
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length)
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], fromExtra)
    return out
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value)) {
      const item = value[key]
      if (fromExtra && (unsafeKeys.has(key) || item === undefined)) continue
      define(out, key, copy(item, fromExtra))
    }
    return out
  }
  return value
}

function merge (base: unknown, extra: unknown): unknown {
  if (extra === undefined) return copy(base, false)
  if (isPlainObject(base) && isPlainObject(extra)) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(base)) define(out, key, copy(base[key], false))
    for (const key of Object.keys(extra)) {
      const item = extra[key]
      if (unsafeKeys.has(key) || item === undefined) continue
      // Own-property check on `base`: an inherited `toString` or `constructor` is not a value
      // to merge into.
      define(out, key, Object.hasOwn(base, key) ? merge(base[key], item) : copy(item, true))
    }
    return out
  }
  if (Array.isArray(base) && Array.isArray(extra)) {
    return [...(copy(base, false) as unknown[]), ...(copy(extra, true) as unknown[])]
  }
  return copy(extra, true)
}

/**
 * Deep-merges `extra` into a copy of `base` with FastAPI's `deep_dict_update` semantics:
 * objects recurse, arrays concatenate, anything else is replaced by `extra`'s value. Neither
 * input is mutated and the result shares no object or array with them. `undefined` values
 * and the keys `__proto__`, `constructor` and `prototype` of `extra` are skipped.
 *
 * The return type is `base`'s: when `extra` replaces `base` as a whole (say an array onto an
 * object), the caller is the one who knows what that means.
 *
 * @example
 * ```ts
 * deepMerge(
 *   { responses: { 200: { description: 'OK' } }, tags: ['items'] },
 *   { responses: { 200: { 'x-cache': true } }, tags: ['extra'], deprecated: true },
 * )
 * // { responses: { 200: { description: 'OK', 'x-cache': true } },
 * //   tags: ['items', 'extra'], deprecated: true }
 * ```
 */
export function deepMerge<T> (base: T, extra: unknown): T {
  return merge(base, extra) as T
}
