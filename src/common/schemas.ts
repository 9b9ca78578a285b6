/**
 * What every walk over a JSON schema shares: which keywords hold values rather than schemas,
 * which compose schemas, the keyword mistakes a hand-written schema can make, and the facts the
 * one walk a schema gets when it is declared records for the later steps (preparing it for Ajv,
 * finding its references, documenting its `$id`s), so that they need not walk it again.
 */

/** TypeBox's Kind, the global symbol every TypeBox schema carries (read without loading TypeBox). */
export const TYPEBOX_KIND: unique symbol = Symbol.for('TypeBox.Kind') as never

/** Keywords whose value is data (copied as it is), never a schema to walk into. */
export const LITERAL_KEYWORDS: ReadonlySet<string> = new Set(['default', 'examples', 'const', 'enum'])

/** Keywords that make a schema more than a plain tree of typed properties. */
export const COMPOSING_KEYWORDS: ReadonlySet<string> = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'if', '$ref', 'additionalProperties', 'patternProperties', 'unevaluatedProperties', 'dependentSchemas', 'propertyNames'])

/** The JSON Schema type names. */
export const JSON_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'])

/** A keyword mistake of one schema node: the message name of the schema codes and its values. */
export interface KeywordProblem {
  readonly message: 'type' | 'required'
  readonly values: { readonly type: unknown; readonly required: unknown; readonly known: ReadonlySet<string> }
}

/**
 * The mistakes of hand-written schemas (`Type.Unsafe(…)`) that Ajv would only report when
 * compiling, which waits for a route's first request: an unknown `type`, a `required` that is
 * not a list of names. An object value is skipped: in a `properties` map, `type` and
 * `required` are property names.
 */
export function keywordProblem (rec: Record<string, unknown>): KeywordProblem | undefined {
  const { type, required } = rec
  if (type !== undefined && (typeof type !== 'object' || Array.isArray(type))) {
    const list: unknown[] = Array.isArray(type) ? type : [type]
    if (list.length === 0 || !list.every(t => typeof t === 'string' && JSON_TYPES.has(t))) {
      return { message: 'type', values: { type, required, known: JSON_TYPES } }
    }
  }
  if (required !== undefined && (typeof required !== 'object' || Array.isArray(required)) && !(Array.isArray(required) && required.every(r => typeof r === 'string'))) {
    return { message: 'required', values: { type, required, known: JSON_TYPES } }
  }
  return undefined
}

/**
 * What the declaration walk found in a schema's tree (its schema nodes: values under
 * {@link LITERAL_KEYWORDS} are data and not counted). Recorded only for a schema whose whole
 * tree was walked and passed its keyword checks.
 */
export interface SchemaFacts {
  /** A node has a string `$id`. */
  readonly ids: boolean
  /** A node has a string `$ref` that does not start with `#` (a reference by `$id`). */
  readonly refs: boolean
  /** A node has one of {@link COMPOSING_KEYWORDS}. */
  readonly composing: boolean
}

const facts = new WeakMap<object, SchemaFacts>()

/** Records what the walk of `schema` found. */
export function recordSchemaFacts (schema: object, found: SchemaFacts): void {
  facts.set(schema, found)
}

/** What the declaration walk found in `schema`, if it was walked. */
export function schemaFacts (schema: unknown): SchemaFacts | undefined {
  return typeof schema === 'object' && schema !== null ? facts.get(schema) : undefined
}

/** The facts of a schema built from plain typed properties (no `$id`, no `$ref`, nothing composed). */
export const PLAIN_SCHEMA: SchemaFacts = Object.freeze({ ids: false, refs: false, composing: false })
