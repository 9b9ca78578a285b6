// The 422 path under hostile bodies: a byte order mark, inputs nested around and far beyond
// the echo depth cap, issue counts around and far beyond the list cap (past the engine's
// argument limit), and bodies whose issues would echo them many times over. Every answer is a
// 422 that parses; ordinary ones are untouched (FastAPI's bytes: tests/seed/), capped ones say
// what they left out. The caps are ISSUE_LIMITS (src/validation/limits.ts, docs/security.md).
import t from 'tap'
import fc from 'fast-check'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import { Type } from '@sinclair/typebox'
import { HttpError, route, validate } from '../../src/index.js'
import { ISSUE_LIMITS } from '../../src/validation/limits.js'

const { issues: MAX_ISSUES, inputDepth: MAX_DEPTH, inputBytes: MAX_BYTES } = ISSUE_LIMITS

async function app (t: { teardown: (fn: () => unknown) => void }): Promise<FastifyInstance> {
  const a = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 })
  t.teardown(() => a.close())
  await a.register(route({ method: 'POST', url: '/item', body: Type.Object({ name: Type.String(), price: Type.Number() }), handler: ({ body }) => body }))
  await a.register(route({ method: 'POST', url: '/tags', body: Type.Array(Type.String()), handler: ({ body }) => body }))
  await a.register(route({ method: 'POST', url: '/both', query: Type.Object({ q: Type.Array(Type.Integer()) }), body: Type.Array(Type.String()), handler: () => 'x' }))
  await a.register(route({
    method: 'POST', url: '/wide', query: Type.Object({ q: Type.Array(Type.Integer()) }),
    body: Type.Object(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, Type.String()]))), handler: () => 'x',
  }))
  return a
}

const post = (a: FastifyInstance, url: string, payload: string): Promise<LightMyRequestResponse> =>
  a.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload })

function nested (levels: number, leaf: unknown = 1): unknown {
  let v: unknown = leaf
  for (let i = 0; i < levels; i++) v = [v]
  return v
}

t.test('a byte order mark before a body that fails validation: the same 422 as without it', async t => {
  const a = await app(t)
  for (const body of ['{"name":1,"price":"x"}', '{}', '[]', '{"name":"a"}', '{"name":{"deep":[1,2,{"x":null}]},"price":true}']) {
    const plain = await post(a, '/item', body)
    const bom = await post(a, '/item', `\ufeff${body}`)
    t.equal(plain.statusCode, 422, body)
    t.equal(bom.statusCode, 422, `BOM ${body}`)
    t.equal(bom.body, plain.body, `BOM ${body}: byte-identical`)
  }
  t.equal((await post(a, '/item', '\ufeff{"name":"a","price":1}')).statusCode, 200, 'a valid body with a BOM is accepted')
})

t.test('inputs nested around and far beyond the echo cap: echoed up to it, omitted past it, never a 500', async t => {
  const a = await app(t)
  for (const levels of [1, 10, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2, 200, 2_000, 5_000, 20_000, 100_000]) {
    // Written by hand: JSON.stringify itself overflows the stack a few thousand levels down.
    const res = await post(a, '/item', `{"name":${'['.repeat(levels)}1${']'.repeat(levels)},"price":1}`)
    t.equal(res.statusCode, 422, `${levels} levels`)
    const [issue] = res.json().detail
    t.strictSame(issue.loc, ['body', 'name'])
    if (levels <= MAX_DEPTH) {
      t.strictSame(issue, { type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string', input: nested(levels) }, `${levels} levels: echoed as sent`)
    } else {
      t.equal(issue.input, null, `${levels} levels: input omitted`)
      t.match(issue.ctx, { input_omitted: `nested deeper than ${MAX_DEPTH} levels` })
    }
  }
})

t.test('issue counts around and far beyond the list cap: a list of at most the cap and one count', async t => {
  const a = await app(t)
  for (const n of [1, MAX_ISSUES - 1, MAX_ISSUES, MAX_ISSUES + 1, 5_000, 130_000]) {
    const res = await post(a, '/tags', JSON.stringify(Array.from({ length: n }, (_, i) => i)))
    t.equal(res.statusCode, 422, `${n} bad items`)
    const detail = res.json().detail as Array<{ type: string; loc: unknown[]; ctx?: { omitted: number } }>
    if (n <= MAX_ISSUES) {
      t.equal(detail.length, n, `${n}: every issue listed`)
      t.notOk(detail.some(d => d.type === 'too_many_errors'))
    } else {
      t.equal(detail.length, MAX_ISSUES + 1, `${n}: the cap, then one entry`)
      t.strictSame(detail.at(-1), { type: 'too_many_errors', loc: [], msg: `${n - MAX_ISSUES} more validation error${n - MAX_ISSUES === 1 ? '' : 's'} not listed (at most ${MAX_ISSUES} are)`, input: null, ctx: { omitted: n - MAX_ISSUES } })
      t.strictSame(detail[MAX_ISSUES - 1]!.loc, ['body', MAX_ISSUES - 1], 'the first ones, in order')
    }
  }
})

t.test('the cap holds across request parts: query issues and body issues share it', async t => {
  const a = await app(t)
  const q = Array.from({ length: 800 }, () => 'q=x').join('&')
  const res = await post(a, `/wide?${q}`, '{}')
  t.equal(res.statusCode, 422)
  const detail = res.json().detail as Array<{ type: string; loc: unknown[]; ctx?: { omitted: number } }>
  // 800 query issues + 50 missing body fields: under the cap, every one listed.
  t.equal(detail.length, 850)
  const many = Array.from({ length: 990 }, () => 'q=x').join('&')
  const capped = (await post(a, `/wide?${many}`, '{}')).json().detail as Array<{ type: string; ctx?: { omitted: number } }>
  t.equal(capped.length, MAX_ISSUES + 1)
  t.strictSame(capped.at(-1)!.ctx, { omitted: 990 + 50 - MAX_ISSUES })
  // A part that is over the cap on its own, after another part's issues: the counts add up.
  const both = (await post(a, `/both?${Array.from({ length: 10 }, () => 'q=x').join('&')}`, JSON.stringify(Array.from({ length: 1500 }, (_, i) => i)))).json().detail as Array<{ type: string; ctx?: { omitted: number } }>
  t.equal(both.length, MAX_ISSUES + 1)
  t.equal(both.filter(d => d.type === 'too_many_errors').length, 1, 'one count, at the end')
  t.strictSame(both.at(-1)!.ctx, { omitted: 10 + 1500 - MAX_ISSUES })
  // And a first part over the cap, then another part's issue: counted, not listed.
  const first = (await post(a, `/both?${Array.from({ length: 1100 }, () => 'q=x').join('&')}`, '[1]')).json().detail as Array<{ type: string; ctx?: { omitted: number } }>
  t.equal(first.length, MAX_ISSUES + 1)
  t.strictSame(first.at(-1)!.ctx, { omitted: 1100 + 1 - MAX_ISSUES })
})

t.test('amplification: the echoed inputs of one answer stay within the byte budget', async t => {
  const a = await app(t)
  // 200 KB of an object missing all 50 declared fields: FastAPI echoes it 50 times (10 MB).
  const big = { filler: 'x'.repeat(200_000) }
  const res = await post(a, '/wide?q=1', JSON.stringify(big))
  t.equal(res.statusCode, 422)
  const detail = res.json().detail as Array<{ input: unknown; ctx?: { input_omitted?: string } }>
  t.equal(detail.length, 50, 'every issue is still listed')
  const echoed = detail.filter(d => d.input !== null).length
  t.ok(echoed >= 1 && echoed <= Math.ceil(MAX_BYTES / 200_000), `${echoed} echoed in full`)
  t.ok(detail.filter(d => d.input === null).every(d => /exceed/.test(d.ctx!.input_omitted!)), 'the others say why')
  t.ok(res.rawPayload.length <= MAX_BYTES + 50 * 300, `${res.rawPayload.length} bytes answered for a 200 KB body`)
})

t.test('validate() bounds its issues too: a cyclic or BigInt input becomes an answer, not a 500', async t => {
  const Item = Type.Object({ name: Type.String(), tags: Type.Array(Type.String()) })
  const cycle: Record<string, unknown> = { a: 1 }
  cycle.self = cycle
  const hostile = new Proxy({}, { ownKeys () { throw new Error('secret') } })
  for (const [label, value] of [['a cycle in a field', { name: cycle, tags: [] }], ['a cyclic root', cycle], ['a BigInt', { name: 1n, tags: [] }],
    ['deep', { name: nested(10_000), tags: [] }], ['a proxy whose keys throw', { name: hostile, tags: [] }]] as const) {
    const result = validate(Item, value)
    t.equal(result.ok, false, label)
    if (result.ok) continue
    t.doesNotThrow(() => JSON.stringify(new HttpError(422, result.errors).detail), `${label}: the issues serialize`)
  }
})

t.test('property: any JSON body gets a 200 or a 422 that parses, never a 500', async t => {
  const a = await app(t)
  await fc.assert(fc.asyncProperty(fc.json({ depthSize: 'large', maxDepth: 80 }), fc.boolean(), async (text, bom) => {
    const res = await post(a, '/item', bom ? `\ufeff${text}` : text)
    if (res.statusCode === 200) return true
    // A poisoned key (`__proto__`, `constructor.prototype`) is refused before validation: a 400.
    if (res.statusCode === 400) return /__proto__|constructor/.test(text) && typeof res.json().detail === 'string'
    if (res.statusCode !== 422) return false
    return Array.isArray(res.json().detail)
  }), { numRuns: 500, examples: [['{"":{"__proto__":[]}}', false], ['{"a":{"constructor":{"prototype":{}}}}', true]] })
  t.pass('500 generated bodies')
})
