/**
 * Small pure helpers on plain data that several rooms need: building objects from untrusted
 * keys, telling a record from an array, finding an unknown option, naming a value's type in a
 * message.
 */

/** Creates an own data property whatever the key (`__proto__` included), bypassing any setter. */
export function defineOwn (target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Whether `value` is an object and not an array (null excluded): a JSON object or a record of options. */
export function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Whether `v` is a plain object: an object whose prototype is `Object.prototype` or `null`
 * (object literals, `JSON.parse` output, `Object.create(null)`). Arrays, dates, maps and
 * class instances are not.
 */
export function isPlainObject (v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false
  const proto: unknown = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** The first own key of `options` that `known` does not list (a typo such as `respone`), if any. */
export function unknownKey (options: object, known: ReadonlySet<string>): string | undefined {
  for (const key of Object.keys(options)) if (!known.has(key)) return key
  return undefined
}

/** A value's type for a message: `null`, `an array`, `an object`, `a string`, … */
export function describeValue (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/**
 * The option names of a declaration type as a set, written so that the compiler checks them:
 * `keySet<RouteDeclaration>({ method: true, url: true, … })` fails to compile when the type
 * gains a field the list lacks, or the list names one the type does not have.
 */
export function keySet<T> (keys: { readonly [K in keyof Required<T>]: true }): ReadonlySet<string> {
  return new Set(Object.keys(keys))
}
