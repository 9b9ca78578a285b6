/**
 * Seed: "Path Operation Advanced Configuration" → OpenAPI Extra → Custom OpenAPI content type.
 *
 * The request body is YAML: routecraft does not parse it (`rawBody: true`), the handler
 * does, with the `yaml` package, and validates the result with `validate(Item, data)`, the
 * same TypeBox schema that `openapiExtra` documents under `application/x-yaml` (one schema
 * object, no second copy).
 *
 * FastAPI's `yaml.safe_load` refuses Python tags and parses one document. This handler is
 * stricter still, per routecraft's YAML rule: any parse error or warning (unknown tags such
 * as `!!python/object`), several documents, tabs in indentation, invalid UTF-8, alias
 * expansion bombs, cyclic aliases, duplicate keys and nesting too deep to handle all answer 422
 * `{"detail":"Invalid YAML"}`; a body over MAX_YAML_BYTES answers 413 before any parsing.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import YAML from 'yaml'
import { HttpError, model, openapi, route, validate } from '../../src/index.js'

/** Pydantic's `Item`: `name: str`, `tags: list[str]`, both required. */
export const Item = model('Item', {
  name: Type.String(),
  tags: Type.Array(Type.String()),
})

const utf8 = new TextDecoder('utf-8', { fatal: true })
const INVALID = 'Invalid YAML'

/**
 * The largest YAML body this route parses. yaml's parser takes about a second per few
 * hundred KB of token-dense input, so a body under the server's 1 MiB limit could still hold
 * a worker for seconds; the seed's Item fits in a fraction of this.
 */
export const MAX_YAML_BYTES = 32 * 1024
/** How deep the parser may go; the seed's Item needs 3 levels, any sane document far fewer than this. */
const MAX_DEPTH = 64
/** Alias expansions allowed when the document becomes a value ("billion laughs"). */
const MAX_ALIASES = 100

function invalid (): HttpError {
  return new HttpError(422, INVALID)
}

/**
 * Lexes and parses (both iterative) while watching the parser's stack, and only composes
 * (recursive) documents whose nesting stayed under MAX_DEPTH. Catching the RangeError of a
 * too-deep composition is not enough: once yaml's composer has overflowed the stack, the
 * next regular expression V8 compiles can abort the whole process ("RegExpCompiler
 * Allocation failed"), so deep input must never reach the composer.
 *
 * yaml's own duplicate-key check (`uniqueKeys`) compares every key with every other one of
 * its map, quadratic in the number of keys; it is off here and {@link checkKeys} does the
 * same check in linear time.
 */
function parseDocuments (text: string): YAML.Document.Parsed[] {
  const lexer = new YAML.Lexer()
  const parser = new YAML.Parser()
  const composer = new YAML.Composer({ uniqueKeys: false, strict: true })
  const docs: YAML.Document.Parsed[] = []
  for (const lexeme of lexer.lex(text)) {
    for (const token of parser.next(lexeme)) docs.push(...composer.next(token))
    if (parser.stack.length > MAX_DEPTH) throw invalid()
  }
  for (const token of parser.end()) docs.push(...composer.next(token))
  docs.push(...composer.end())
  return docs
}

/**
 * Refuses duplicate keys and keys that are not scalars (PyYAML's `safe_load` cannot hash a
 * list or map key either), and cyclic aliases (`tags: &t [*t]`): an alias inside the node it
 * names would make the value a cycle, which no JSON and no 422 echo can hold, in a declared
 * field or an undeclared one. Recursive, but the depth is already bounded by MAX_DEPTH.
 */
function checkKeys (doc: YAML.Document.Parsed): void {
  YAML.visit(doc, {
    Alias (_key, alias, path) {
      const target = alias.resolve(doc)
      if (target === undefined || path.includes(target)) throw invalid()
    },
    Map (_key, map) {
      const seen = new Set<string>()
      for (const pair of map.items) {
        const key = pair.key
        if (key !== null && !YAML.isScalar(key)) throw invalid()
        const id = key === null ? 'null' : `${typeof key.value}:${String(key.value)}`
        if (seen.has(id)) throw invalid()
        seen.add(id)
      }
    },
  })
}

/**
 * YAML bytes → a plain value (`null` for an empty document, as `yaml.safe_load` gives `None`).
 * Refused with 413 `Content Too Large`: a body over MAX_YAML_BYTES. Refused with
 * 422 `Invalid YAML`: invalid UTF-8, tabs in indentation, nesting deeper than MAX_DEPTH,
 * several documents, any parse error or warning (unknown tags such as `!!python/object`),
 * duplicate or non-scalar keys, cyclic aliases, more than MAX_ALIASES alias expansions.
 */
export function parseYaml (raw: Buffer): unknown {
  if (raw.length > MAX_YAML_BYTES) throw new HttpError(413, 'Content Too Large')
  let text: string
  try {
    text = utf8.decode(raw)
  } catch {
    throw invalid()
  }
  // YAML forbids tabs in indentation; refuse them wherever a line starts with blanks.
  if (/^ *\t/m.test(text)) throw invalid()
  try {
    const docs = parseDocuments(text)
    if (docs.length > 1) throw invalid()
    const doc = docs[0]
    if (doc === undefined) return null
    if (doc.errors.length > 0 || doc.warnings.length > 0) throw invalid()
    checkKeys(doc)
    return doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown
  } catch (err) {
    if (err instanceof HttpError) throw err
    // yaml's own errors (too many aliases, …), and RangeError as a last resort.
    throw invalid()
  }
}

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'POST',
    url: '/items/',
    rawBody: true,
    openapiExtra: {
      requestBody: {
        content: { 'application/x-yaml': { schema: Item } },
        required: true,
      },
    },
    handler: async function create_item ({ body }) {
      const raw_body = body
      const data = parseYaml(raw_body)
      const item = validate(Item, data)
      if (!item.ok) throw new HttpError(422, item.errors)
      return item.value
    },
  }))

  return app
}
