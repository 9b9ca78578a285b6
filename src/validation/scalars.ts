/**
 * Request parameters (path, query, headers, cookies) arrive as strings; pydantic parses them
 * into the declared scalar types by its own rules, which are not Ajv's coercion rules. This
 * module parses them as pydantic-core does (`str_as_bool`, `str_as_int`, `str_as_float` in
 * src/input/shared.rs) before Ajv validates the rest:
 *
 * - bool: `0`/`1` exactly, `f`/`n`/`no`/`off`/`false` and `t`/`y`/`yes`/`on`/`true` in any
 *   case, nothing else (no surrounding spaces);
 * - int: surrounding whitespace ignored, one leading `+` or `-`, leading zeros, `_` between
 *   digits, a fraction of zeros (`3.0`, not `3.` or `3.5`); no exponent, no hex;
 * - float: Rust's float syntax after trimming (`1e3`, `.5`, `1.`, `inf`, `infinity`, `nan` in
 *   any case, with a sign), or the same with `_` between digits when not trimmed.
 *
 * A value that does not parse is replaced by a marker Ajv cannot coerce, so Ajv reports a type
 * error there and issues.ts turns it into pydantic's `bool_parsing` / `int_parsing` /
 * `float_parsing` with the string as sent.
 */

import { isRecord as isObject } from '../common/objects.js'

/** A parameter value that did not parse: the string as it was sent. */
export class Unparsed {
  /** @param kind what it was parsed as, or `integer_size` for an integer with too many digits */
  constructor (readonly input: string, readonly kind: Kind | 'integer_size') {}
}

export type Kind = 'integer' | 'number' | 'boolean'

// Rust's `str::trim` (Unicode White_Space), which is not JavaScript's (U+FEFF, U+0085). A
// loop, not a regular expression: `\s+$` backtracks over every run of inner spaces, which a
// header of spaces makes quadratic.
const SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/
function rustTrim (s: string): string {
  let start = 0
  let end = s.length
  while (start < end && SPACE.test(s[start] as string)) start++
  while (end > start && SPACE.test(s[end - 1] as string)) end--
  return start === 0 && end === s.length ? s : s.slice(start, end)
}

const FALSE = new Set(['f', 'n', 'no', 'off', 'false'])
const TRUE = new Set(['t', 'y', 'on', 'yes', 'true'])

function parseBool (s: string): boolean | undefined {
  if (s === '0') return false
  if (s === '1') return true
  const lower = s.toLowerCase()
  // eq_ignore_ascii_case: only ASCII letters fold (`ﬀ` or `İ` never match).
  if (!/^[a-z]+$/i.test(s)) return undefined
  if (FALSE.has(lower)) return false
  if (TRUE.has(lower)) return true
  return undefined
}

const JSON_INT = /^-?(?:0|[1-9]\d*)$/

/** `1_000` → `1000`; undefined where Python refuses the underscores (leading, trailing, doubled). */
function stripUnderscores (s: string): string | undefined {
  if (s.startsWith('_') || s.endsWith('_') || !s.includes('_') || s.includes('__')) return undefined
  return s.replace(/_/g, '')
}

/** pydantic-core's `clean_int_str`: the string an integer parse is retried with, or undefined. */
function cleanInt (text: string): string | undefined {
  let s = rustTrim(text)
  const before = text.length
  if (s.startsWith('+')) {
    if (s.startsWith('+-')) return undefined
    s = s.slice(1)
  }
  let negative = false
  if (s.startsWith('-')) {
    if (s.startsWith('--') || s.startsWith('-+')) return undefined
    negative = true
    s = s.slice(1)
  }
  // Leading zeros (and underscores among them), keeping one zero before a dot or alone.
  const zeros = /^0[0_]*/.exec(s)
  if (zeros !== null) {
    const rest = s.slice(zeros[0].length)
    if (rest === '') s = s.slice(-1)
    else if (rest.startsWith('.')) s = '0' + rest
    else if (/^[1-9-]/.test(rest)) s = rest
    else return undefined
  } else if (!/^[1-9-]/.test(s)) {
    return undefined
  }
  const dot = s.indexOf('.')
  if (dot !== -1 && /^0+$/.test(s.slice(dot + 1))) s = s.slice(0, dot)
  const stripped = stripUnderscores(s)
  if (stripped !== undefined) return (negative ? '-' : '') + stripped
  if (before === s.length) return undefined
  return (negative ? '-' : '') + s
}

/**
 * The most digits pydantic-core parses into an int (jiter's bound, CPython's
 * `int_max_str_digits`): a longer integer is `int_parsing_size`.
 */
const INT_DIGITS = 4300
const SIZE = Symbol('int_parsing_size')

/**
 * An int as pydantic parses a string; undefined (`int_parsing`); or SIZE (`int_parsing_size`)
 * for an integer of more than {@link INT_DIGITS} digits, and for one beyond what a JavaScript
 * number holds at all (from 1e309: pydantic would keep it; routecraft cannot).
 */
function parseInt (text: string): number | undefined | typeof SIZE {
  if (JSON_INT.test(text)) {
    if (text.length - (text.startsWith('-') ? 1 : 0) > INT_DIGITS) return SIZE
    const value = Number(text)
    return Number.isFinite(value) ? value : SIZE
  }
  const cleaned = cleanInt(text)
  if (cleaned === undefined || !JSON_INT.test(cleaned)) return undefined
  const value = Number(cleaned)
  return Number.isFinite(value) ? value : undefined
}


// One way to match each string (`\d+\.?\d*` has a way per split of a digit run, and a
// run of digits before a bad character then backtracks quadratically).
const RUST_FLOAT = /^[+-]?(?:inf|infinity|nan|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)$/i

function rustFloat (s: string): number | undefined {
  if (!RUST_FLOAT.test(s)) return undefined
  const body = s.replace(/^[+-]/, '').toLowerCase()
  if (body === 'nan') return NaN
  if (body === 'inf' || body === 'infinity') return s.startsWith('-') ? -Infinity : Infinity
  return Number(s)
}

/** A float as pydantic parses a string, or undefined (`float_parsing`). */
function parseFloat (text: string): number | undefined {
  const direct = rustFloat(rustTrim(text))
  if (direct !== undefined) return direct
  const stripped = stripUnderscores(text)
  return stripped === undefined ? undefined : rustFloat(stripped)
}

/** Parses one string as `kind`, or marks it unparsed. */
export function parseScalar (text: string, kind: Kind): number | boolean | Unparsed {
  const value = kind === 'boolean' ? parseBool(text) : kind === 'integer' ? parseInt(text) : parseFloat(text)
  if (value === SIZE) return new Unparsed(text, 'integer_size')
  return value === undefined ? new Unparsed(text, kind) : value
}

type Json = Record<string, unknown>

/** The scalar kind a parameter schema asks for (`X`, `X | None`, `list[X]`), if any. */
function kindOf (schema: unknown): Kind | undefined {
  if (!isObject(schema)) return undefined
  const direct = (s: unknown): Kind | undefined => {
    if (!isObject(s)) return undefined
    const t = Array.isArray(s.type) ? s.type.filter(x => x !== 'null') : [s.type]
    return t.length === 1 && (t[0] === 'integer' || t[0] === 'number' || t[0] === 'boolean') ? t[0] : undefined
  }
  const one = direct(schema)
  if (one !== undefined) return one
  if (Array.isArray(schema.anyOf)) {
    const members = schema.anyOf.filter(m => !(isObject(m) && m.type === 'null'))
    const kind = members.length === 1 ? direct(members[0]) : undefined
    if (kind !== undefined) return kind
  }
  if (schema.type === 'array') {
    const kind = direct(schema.items)
    if (kind !== undefined) return kind
  }
  return undefined
}

/** Parses a part's values in place; undefined when the schema has no scalar parameter. */
export function scalarParser (schema: unknown): ((data: unknown) => void) | undefined {
  if (!isObject(schema) || !isObject(schema.properties)) return undefined
  const fields: Array<[string, Kind]> = []
  for (const [name, prop] of Object.entries(schema.properties)) {
    const found = kindOf(prop)
    if (found !== undefined) fields.push([name, found])
  }
  if (fields.length === 0) return undefined
  return data => {
    if (!isObject(data)) return
    for (const [name, kind] of fields) {
      if (!Object.hasOwn(data, name)) continue
      const value = data[name]
      if (typeof value === 'string') data[name] = parseScalar(value, kind)
      else if (Array.isArray(value)) data[name] = value.map(v => typeof v === 'string' ? parseScalar(v, kind) : v)
    }
  }
}
