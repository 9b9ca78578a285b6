/**
 * Pydantic's most common field shapes, as plain TypeBox schemas.
 *
 * Nothing here is needed: each helper returns an ordinary TypeBox schema that could be
 * written by hand. They exist because three pydantic habits are easy to get subtly wrong in
 * JSON Schema, and FastAPI's answers and documents depend on them:
 *
 * - `description: str | None = None` accepts `null`, is not required, and is `null` in the
 *   output when it was not sent: {@link nullable}.
 * - `tags: list[str] = []` is not required and takes its default when absent: {@link withDefault}.
 * - every model and every field has a `title` in FastAPI's document (`monthly_fee` →
 *   `Monthly Fee`, pydantic's default title): {@link model} and {@link titled}.
 *
 * Pure data: imports TypeBox only.
 */
import { CloneType, Type, type TObject, type TNull, type TOptional, type TProperties, type TSchema, type TUnion, type ObjectOptions } from '@sinclair/typebox'

/**
 * Pydantic's default title for a field: `monthly_fee` → `Monthly Fee`, `item_ID` → `Item Id`
 * (Python's `str.title()`, then `_` → space).
 */
export function fieldTitle (name: string): string {
  // str.title(): a letter after a non-letter starts a word (upper case), any other letter is lower case.
  let out = ''
  let inWord = false
  for (const ch of name) {
    const isLetter = ch.toLowerCase() !== ch.toUpperCase()
    out += isLetter ? (inWord ? ch.toLowerCase() : ch.toUpperCase()) : ch
    inWord = isLetter
  }
  return out.replace(/_/g, ' ')
}

/**
 * The properties with pydantic's default `title` on each one that has none.
 *
 * @example
 * ```ts
 * route({ method: 'GET', url: '/items/{item_id}', params: Type.Object(titled({ item_id: Type.String() })), ... })
 * // documented as { "title": "Item Id", "type": "string" }, as FastAPI documents `item_id: str`
 * ```
 */
export function titled<P extends TProperties> (properties: P): P {
  const out: TProperties = {}
  for (const [name, schema] of Object.entries(properties)) {
    out[name] = typeof schema.title === 'string' ? schema : CloneType(schema, { title: fieldTitle(name) })
  }
  return out as P
}

/**
 * A pydantic model: a TypeBox object with `$id` and `title` set to the model's name (so the
 * document has it under `components.schemas.<name>`) and a `title` on every field.
 *
 * @example
 * ```ts
 * const Item = model('Item', {
 *   name: Type.String(),                                      // name: str
 *   description: nullable(Type.String()),                     // description: str | None = None
 *   price: Type.Number(),                                     // price: float
 *   tags: withDefault(Type.Array(Type.String()), []),         // tags: list[str] = []
 * })
 * ```
 */
export function model<P extends TProperties> (name: string, properties: P, options: ObjectOptions = {}): TObject<P> {
  return Type.Object(titled(properties), { title: name, ...options, $id: name })
}

/**
 * Pydantic's `X | None = None`: optional, `null` accepted, and `null` when absent (the value
 * a handler sees and a response model sends). FastAPI's document shows `anyOf [X, null]`
 * with no default and leaves the field out of `required`.
 *
 * @example
 * ```ts
 * const Item = model('Item', { name: Type.String(), tax: nullable(Type.Number()) })
 * ```
 */
export function nullable<S extends TSchema> (schema: S): TOptional<TUnion<[S, TNull]>> {
  return Type.Optional(Type.Union([schema, Type.Null()], { default: null }))
}

/**
 * Pydantic's `x: X = value`: not required, `value` when absent. The value is copied into
 * each request's data, so a mutable default (`[]`) is never shared between requests.
 *
 * @example
 * ```ts
 * const Item = model('Item', { name: Type.String(), tags: withDefault(Type.Array(Type.String()), []) })
 * ```
 */
export function withDefault<S extends TSchema> (schema: S, value: unknown): TOptional<S> {
  return Type.Optional(CloneType(schema, { default: value }) as TSchema) as TOptional<S>
}
