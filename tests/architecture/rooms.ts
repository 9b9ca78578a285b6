/**
 * The rooms of src/ and the arrows between them: the single place the layering is written
 * down. `imports.test.ts` checks every import of src/ against this table (and that there is no
 * cycle and no file over 300 lines), `functions.test.ts` that no function is over 60 lines;
 * docs/architecture.md explains it.
 *
 * A room is a folder of src/ (`src/compile/…` is the room `compile`) or a file at the top of
 * src/ (`src/errors.ts` is the room `errors`). A room may always import its own files.
 * - `may`: the rooms it may import from (values and types).
 * - `types`: rooms it may import types from, and nothing else (`import type`).
 * - `fastify`: whether it may import Fastify (`fastify`, `fastify-plugin`, `@fastify/*`):
 *   `'no'`, `'types'` (type-only imports) or `'yes'`.
 * - `private`: no other room may import it (the entry points of subpath exports).
 *
 * A new room is one line here.
 */
export interface Room {
  readonly may: readonly string[]
  readonly types?: readonly string[]
  readonly fastify: 'no' | 'types' | 'yes'
  readonly private?: boolean
}

/** What app authors (and the entry points) build on. */
const PUBLIC = ['errors', 'symbols', 'common', 'declare', 'validation', 'responses', 'security', 'webhooks', 'openapi', 'compile', 'plugins']

export const rooms: Readonly<Record<string, Room>> = {
  errors: { may: ['error-messages'], fastify: 'no' }, // a leaf with its table of codes and messages
  'error-messages': { may: [], fastify: 'no' }, // a leaf: the table errors builds its errors from
  symbols: { may: [], fastify: 'no' }, // a leaf
  common: { may: [], fastify: 'no' }, // a leaf: small pure helpers on plain data and HTTP rules several rooms share
  declare: { may: ['errors', 'common', 'symbols'], types: ['responses'], fastify: 'types' }, // declarations → Operation records: pure data
  validation: { may: ['errors', 'common'], fastify: 'no' }, // Ajv, schema preparation, FastAPI's error shape
  responses: { may: ['errors', 'common', 'symbols'], fastify: 'no' }, // HttpError, temporal and direct responses, jsonable
  security: { may: ['errors', 'common', 'declare', 'responses'], fastify: 'no' }, // security schemes as dependencies, credential parsing
  webhooks: { may: ['errors', 'common', 'validation'], fastify: 'no' }, // signing, verifying, delivery jobs, SSRF guard
  openapi: { may: ['errors', 'common', 'declare'], fastify: 'no' }, // the pure OpenAPI merger and document builder
  compile: { may: ['errors', 'common', 'symbols', 'declare', 'validation', 'responses'], fastify: 'yes' }, // Operation → Fastify route
  plugins: { may: PUBLIC, fastify: 'yes' }, // the public factories: declare → compile
  index: { may: PUBLIC, fastify: 'no' }, // the root export
  testing: { may: [...PUBLIC, 'index'], fastify: 'yes', private: true }, // routecraft/testing
  bullmq: { may: ['errors', 'webhooks'], fastify: 'no', private: true }, // routecraft/bullmq
  redis: { may: ['errors', 'webhooks'], fastify: 'no', private: true }, // routecraft/redis
}

/** No file of src/ may be longer. */
export const MAX_LINES = 300

/** No function of src/ may be longer (from its first line to its closing brace, nested functions included). */
export const MAX_FUNCTION_LINES = 60
