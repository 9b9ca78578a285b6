/**
 * TypeBox schemas → OpenAPI 3.1 schemas (JSON Schema 2020-12), with every sub-schema that has
 * an `$id` moved to `#/components/schemas/<$id>` and referenced from where it stood. The same
 * conversion serves routes and webhooks. Pure: no Fastify import.
 */
import { routecraftError } from '../errors.js'
import { defineOwn as define, isRecord as isObject } from '../common/objects.js'

type Json = Record<string, unknown>

const MAP_KEYS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'])
const ONE_KEYS = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'additionalItems', 'contentSchema'])
const LIST_KEYS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems'])
const DROP_KEYS = new Set(['$id', '$schema'])


/** A plain JSON copy of a literal value (`default`, `examples`, `const`, `enum`). */
function copyLiteral (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyLiteral)
  if (isObject(value)) {
    const out: Json = {}
    for (const key of Object.keys(value)) define(out, key, copyLiteral(value[key]))
    return out
  }
  return value
}


/**
 * FastAPI's `discriminator.mapping`: each tag of each member that is a component, to its
 * reference (`{ cat: '#/components/schemas/Cat' }`).
 */
function discriminatorMapping (union: Json, property: string): Json {
  const mapping: Json = {}
  const members = [...(Array.isArray(union.anyOf) ? union.anyOf : []), ...(Array.isArray(union.oneOf) ? union.oneOf : [])]
  for (const member of members) {
    if (!isObject(member) || typeof member.$id !== 'string' || !isObject(member.properties)) continue
    const tag = member.properties[property]
    if (!isObject(tag)) continue
    const tags = 'const' in tag ? [tag.const] : Array.isArray(tag.anyOf) ? tag.anyOf.map(t => isObject(t) ? t.const : undefined) : Array.isArray(tag.enum) ? tag.enum : []
    for (const value of tags) if (typeof value === 'string') define(mapping, value, `#/components/schemas/${member.$id}`)
  }
  return mapping
}

/** Collects `components.schemas` while converting the schemas of one document. */
export class SchemaComponents {
  readonly schemas: Record<string, Json> = {}
  readonly #sources = new Map<string, string>()

  /** The OpenAPI form of `schema`; sub-schemas with `$id` become component references. */
  convert (schema: unknown): Json {
    if (!isObject(schema)) return {}
    return this.#node(schema, true) as Json
  }

  #node (schema: Json, allowId: boolean): unknown {
    const id = schema.$id
    if (allowId && typeof id === 'string' && id !== '') {
      this.#register(id, schema)
      return { $ref: `#/components/schemas/${id}` }
    }
    const out: Json = {}
    for (const key of Object.keys(schema)) {
      if (DROP_KEYS.has(key)) continue
      const value = schema[key]
      // FastAPI documents no `None` default (`x: str | None = None` shows no `default`).
      if (key === 'default' && value === null) continue
      if (key === '$ref' && typeof value === 'string') {
        define(out, key, value.startsWith('#') ? value : `#/components/schemas/${value}`)
      } else if (MAP_KEYS.has(key) && isObject(value)) {
        const map: Json = {}
        for (const name of Object.keys(value)) define(map, name, isObject(value[name]) ? this.#node(value[name] as Json, true) : value[name])
        define(out, key, map)
      } else if (ONE_KEYS.has(key) && isObject(value)) {
        define(out, key, this.#node(value, true))
      } else if ((LIST_KEYS.has(key) || key === 'items') && Array.isArray(value)) {
        // A discriminated union is pydantic's tagged union: FastAPI documents it as oneOf.
        define(out, key === 'anyOf' && isObject(schema.discriminator) ? 'oneOf' : key, value.map(v => isObject(v) ? this.#node(v, true) : v))
      } else if (key === 'discriminator' && isObject(value) && typeof value.propertyName === 'string' && value.mapping === undefined) {
        define(out, key, { ...copyLiteral(value) as Json, mapping: discriminatorMapping(schema, value.propertyName) })
      } else {
        define(out, key, copyLiteral(value))
      }
    }
    return out
  }

  #register (id: string, schema: Json): void {
    const body = this.#node(schema, false) as Json
    const text = JSON.stringify(body)
    const before = this.#sources.get(id)
    if (before === undefined) {
      this.#sources.set(id, text)
      const { title, ...rest } = body
      // FastAPI gives every model a title; keep the user's, or use the id.
      // define(): an `$id` of `__proto__` is a component like any other, not a prototype.
      define(this.schemas, id, { ...rest, title: typeof title === 'string' ? title : id })
    } else if (before !== text) {
      throw routecraftError('RC_ERR_OPENAPI_SCHEMA_ID', 'sameId', { id })
    }
  }
}
