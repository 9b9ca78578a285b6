// operationIds are distinct for distinct method + path pairs (issue 8, part 2), for route-shaped
// paths: literal segments of letters and digits, and path parameters in either spelling. (With
// arbitrary characters FastAPI's scheme is not injective, `/a-b` and `/a_b` collide; that case,
// and the duplicate check that catches it, is in tests/openapi/operation-id.test.ts.)
// fc.assert prints the seed and the counterexample on failure.
import t from 'tap'
import fc from 'fast-check'
import { generateUniqueId } from '../../src/openapi/index.js'
import { nameFromRoute } from '../../src/openapi/operation-id.js'
import { toOpenApiPath } from '../../src/declare/url.js'

const RUNS = { numRuns: 10_000 }
const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE'] as const

const literal = fc.stringMatching(/^[a-zA-Z0-9]{1,6}$/)
const paramName = fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/)
const segment = fc.oneof(
  { arbitrary: literal, weight: 3 },
  { arbitrary: paramName.map(p => `{${p}}`), weight: 1 },
  { arbitrary: paramName.map(p => `:${p}`), weight: 1 },
)
/** `/`, `/a`, `/a/`, `/a/{id}`, `/a/:id/b/`, … as a route declares them. */
const url = fc.tuple(fc.array(segment, { maxLength: 5 }), fc.boolean())
  .map(([segments, slash]) => (segments.length === 0 ? '/' : `/${segments.join('/')}${slash ? '/' : ''}`))
const pair = fc.record({ method: fc.constantFrom(...methods), url })

/** The operations of one document: distinct method + path pairs (`{id}` and `:id` are one path). */
const operations = fc.uniqueArray(pair, { minLength: 2, maxLength: 8, selector: p => `${p.method} ${toOpenApiPath(p.url)}` })

const distinct = (ids: string[]): boolean => new Set(ids).size === ids.length

t.test('property: one handler name, distinct method + path pairs give distinct ids', async t => {
  fc.assert(fc.property(operations, fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/), (ops, name) =>
    distinct(ops.map(op => generateUniqueId({ name, path: toOpenApiPath(op.url), method: op.method })))), RUNS)
  t.pass('10000 runs')
})

t.test('property: unnamed handlers (name from the route) give distinct ids for distinct pairs', async t => {
  fc.assert(fc.property(operations, ops => {
    const ids = ops.map(op => {
      const path = toOpenApiPath(op.url)
      return generateUniqueId({ name: nameFromRoute(op.method, path), path, method: op.method })
    })
    return distinct(ids)
  }), RUNS)
  t.pass('10000 runs')
})

t.test('property: ids are identifier-like and stable for route-shaped input', async t => {
  fc.assert(fc.property(pair, fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/), (op, name) => {
    const path = toOpenApiPath(op.url)
    const id = generateUniqueId({ name, path, method: op.method })
    // A valid identifier in most languages' generators: starts with a letter or _, then \w.
    return /^[A-Za-z_]\w*$/.test(id) && id === generateUniqueId({ name, path, method: op.method.toLowerCase() }) &&
      id.endsWith(`_${op.method.toLowerCase()}`)
  }), RUNS)
  t.pass('10000 runs')
})
