/**
 * JSON values printed as pydantic prints them in its messages: Python's `str()` and `repr()`
 * (`True`, `None`, `'a'`), and a list of choices ("'a', 'b' or 'c'").
 */
import { isRecord as isObject } from '../common/objects.js'

/** Python's `str()` of a JSON value, as pydantic prints a tag. */
export function pyStr (v: unknown): string {
  if (v === null) return 'None'
  if (v === true) return 'True'
  if (v === false) return 'False'
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`
  if (isObject(v)) return `{${Object.entries(v).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`
  return String(v)
}

/** Python's `repr()` of a JSON value. */
export function pyRepr (v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : pyStr(v)
}

/** Choices as pydantic lists them: `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`. */
export function orList (values: readonly string[]): string {
  return values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${String(values.at(-1))}` : String(values[0])
}
