/**
 * Return values without a response model, as JSON with FastAPI's `jsonable_encoder` semantics.
 */
import { jsonable } from './jsonable.js'

/**
 * Whether `JSON.stringify(value)` already gives what `jsonable()` would: only plain objects
 * (without toJSON), arrays, strings, numbers, booleans and null, not too deep (a cycle ends
 * here too). A walk that allocates nothing, so the common case skips jsonable's copy.
 */
function plainJson (value: unknown, depth: number): boolean {
  if (value === null) return true
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true
    case 'object': {
      if (depth > 64) return false
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i]
          // In arrays both turn undefined, functions and symbols into null.
          if (typeof item === 'object' && !plainJson(item, depth + 1)) return false
          if (typeof item === 'bigint') return false
        }
        return true
      }
      const proto: unknown = Object.getPrototypeOf(value)
      if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false
      for (const key in value) {
        const item: unknown = (value as Record<string, unknown>)[key]
        // In objects both drop undefined, functions and symbols.
        if (typeof item === 'object' ? !plainJson(item, depth + 1) : typeof item === 'bigint') return false
      }
      return true
    }
    case 'undefined':
      return true
    default: // bigint, function, symbol at the top: jsonable converts or refuses
      return false
  }
}

/** A model-less return value as JSON: jsonable() semantics, JSON.stringify speed when possible. */
export function serializeJson (value: unknown): string {
  return (plainJson(value, 0) ? JSON.stringify(value) : JSON.stringify(jsonable(value))) ?? 'null'
}
