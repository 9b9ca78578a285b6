// The hostile-input suite (issue 8, part 1): every seed port and the showcase, attacked with
// malformed credentials, cookies, bodies, content types, bytes, URLs and methods. Every answer
// is a 4xx or the route's documented 2xx, none costs more than two seconds of CPU time, the app stays healthy, and no
// prototype gains a key. Replay a run with HOSTILE_SEED=<the seed printed below>.
import t from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { allApps, seedNames, type AppSpec } from '../support/hostile-apps.js'
import { MAX_YAML_BYTES } from '../../playground/seed/openapi_yaml_body.js'
import { hostileFor, yamlCases, type Hostile } from '../support/hostile-requests.js'

const seed = process.env.HOSTILE_SEED !== undefined ? Number(process.env.HOSTILE_SEED) : Date.now() % 2 ** 31
t.comment(`hostile-input seed: ${seed} (replay with HOSTILE_SEED=${seed})`)

const objectKeys = Reflect.ownKeys(Object.prototype)
const arrayKeys = Reflect.ownKeys(Array.prototype)
const functionKeys = Reflect.ownKeys(Function.prototype)

// No bound here depends on the machine's load. A request is too slow when it costs more than
// CPU_LIMIT_MS of this process's CPU time (the slowest case, a token-dense YAML document just
// under the cap, needs about a tenth of that on an idle 2-core machine; CPU time does not grow
// when other processes compete for the cores). HANG_LIMIT_MS only catches a request that never
// settles: it is 100× the CPU limit's worth of idle wall time.
const CPU_LIMIT_MS = 2_000
const HANG_LIMIT_MS = 60_000
let total = 0

type Outcome = { res: LightMyRequestResponse; ms: number } | { timeout: true }

/** Injects with a hang detector; `ms` is the CPU time (user + system) the request cost. */
async function timed (app: FastifyInstance, req: InjectOptions): Promise<Outcome> {
  total++
  const started = process.cpuUsage()
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<{ timeout: true }>(resolve => { timer = setTimeout(() => resolve({ timeout: true }), HANG_LIMIT_MS) })
  try {
    const res = await Promise.race([app.inject(req), hang])
    if ('timeout' in res) return res
    const used = process.cpuUsage(started)
    return { res, ms: (used.user + used.system) / 1000 }
  } finally {
    clearTimeout(timer)
  }
}

function describe (outcome: Outcome): string {
  if ('timeout' in outcome) return `no answer within ${HANG_LIMIT_MS} ms`
  return `${outcome.res.statusCode} ${outcome.res.body.slice(0, 160)} (${outcome.ms.toFixed(0)} ms CPU)`
}

/** Sends every hostile request; returns the problems found (empty when all is well). */
async function attack (t: { comment: (msg: string) => void }, app: FastifyInstance, cases: ReadonlyArray<Hostile & { ok: readonly number[] }>): Promise<string[]> {
  const problems: string[] = []
  let slowest = { ms: 0, where: '' }
  for (const c of cases) {
    const outcome = await timed(app, c.req)
    const where = `${c.req.method} ${String(c.req.url).slice(0, 80)} [${c.label}]`
    if (!('timeout' in outcome) && outcome.ms > slowest.ms) slowest = { ms: outcome.ms, where }
    if ('timeout' in outcome || outcome.ms >= CPU_LIMIT_MS) { problems.push(`${where}: ${describe(outcome)}`); continue }
    const status = outcome.res.statusCode
    const allowed = c.expect !== undefined ? c.expect.includes(status) : (c.ok.includes(status) || (status >= 400 && status < 500))
    if (!allowed) problems.push(`${where}: expected ${c.expect?.join('/') ?? `${c.ok.join('/')} or a 4xx`}, got ${describe(outcome)}`)
    // 5xx bodies never leak details, whatever the case expects.
    if (status >= 500 && outcome.res.body !== '{"detail":"Internal Server Error"}') problems.push(`${where}: a 5xx with details: ${outcome.res.body.slice(0, 160)}`)
  }
  t.comment(`slowest: ${slowest.ms.toFixed(0)} ms CPU, ${slowest.where}`)
  return problems
}

function casesOf (spec: AppSpec): Array<Hostile & { ok: readonly number[] }> {
  // The methods served at each url (path parameters are one url); HEAD comes with GET.
  const methods = new Map<string, Set<string>>()
  for (const r of spec.routes) {
    const key = r.template ?? r.url
    const set = methods.get(key) ?? new Set(spec.name === 'showcase' ? ['CORS'] : [])
    set.add(r.method)
    if (r.method === 'GET') set.add('HEAD')
    methods.set(key, set)
  }
  return spec.routes.flatMap(r => hostileFor(r, seed, methods.get(r.template ?? r.url)!).map(h => ({ ...h, ok: r.ok })))
}

async function fresh (t: Tap, spec: AppSpec): Promise<FastifyInstance> {
  const app = await spec.build()
  t.teardown(() => app.close())
  await app.ready()
  return app
}

type Tap = { teardown: (fn: () => unknown) => void }

t.test('the seed folder holds the 17 seed ports', async t => {
  t.equal(seedNames().length, 17)
})

const apps = await allApps()

for (const spec of apps) {
  t.test(`${spec.name}: hostile requests`, async t => {
    const app = await fresh(t, spec)
    const cases = casesOf(spec)
    const before = total
    const problems = await attack(t, app, cases)
    t.strictSame(problems, [], `${cases.length} hostile requests: never a 5xx, a hang or an undocumented 2xx (seed ${seed})`)
    t.equal(total - before, cases.length)

    const { expect, ...health } = spec.health
    const outcome = await timed(app, health)
    t.ok(!('timeout' in outcome) && outcome.res.statusCode === expect, `still healthy: ${health.method} ${health.url} is ${expect} (${describe(outcome)})`)
  })
}

t.test('openapi_yaml_body: YAML bombs, tags and oddities', async t => {
  const spec = apps.find(a => a.name === 'openapi_yaml_body')!
  const app = await fresh(t, spec)
  const problems: string[] = []
  let slowest = { ms: 0, label: '' }
  for (const [label, body, expect] of yamlCases) {
    const req: InjectOptions = { method: 'POST', url: '/items/', headers: { 'content-type': 'application/x-yaml' }, payload: body }
    const outcome = await timed(app, req)
    if ('timeout' in outcome || outcome.ms >= CPU_LIMIT_MS || !expect.includes(outcome.res.statusCode)) {
      problems.push(`${label}: expected ${expect.join('/')}, got ${describe(outcome)}`)
    }
    if (!('timeout' in outcome) && outcome.ms > slowest.ms) slowest = { ms: outcome.ms, label }
  }
  t.comment(`slowest: ${slowest.ms.toFixed(0)} ms CPU, ${slowest.label}`)
  t.strictSame(problems, [], `${yamlCases.length} YAML documents`)
  const ok = await app.inject({ method: 'POST', url: '/items/', headers: { 'content-type': 'application/x-yaml' }, payload: 'name: x\ntags: [a]\n' })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { name: 'x', tags: ['a'] })
})

t.test('poisoned keys are refused with 400 and the detail names the reason', async t => {
  const spec = apps.find(a => a.name === 'showcase')!
  const app = await fresh(t, spec)
  const res = await app.inject({ method: 'POST', url: '/items/', headers: { 'content-type': 'application/json' }, payload: '{"name":"x","price":1,"tags":[],"a":[{"__proto__":{"polluted":1}}]}' })
  t.equal(res.statusCode, 400)
  t.same(res.json(), { detail: 'Object contains forbidden prototype property' })
})

t.test('at least 300 requests were sent, and no prototype gained a key', async t => {
  t.ok(total >= 300, `${total} hostile requests in all`)
  t.strictSame(Reflect.ownKeys(Object.prototype), objectKeys, 'Object.prototype is untouched')
  t.strictSame(Reflect.ownKeys(Array.prototype), arrayKeys, 'Array.prototype is untouched')
  t.strictSame(Reflect.ownKeys(Function.prototype), functionKeys, 'Function.prototype is untouched')
  t.equal(({} as Record<string, unknown>).polluted, undefined)
})

t.test('the YAML cases are sized against the seed\'s limit', async t => {
  const size = (body: string | Buffer): number => Buffer.byteLength(body)
  for (const [label, body, expect] of yamlCases) {
    if (expect.includes(413)) t.ok(size(body) > MAX_YAML_BYTES, `${label}: over the limit`)
    else t.ok(size(body) <= MAX_YAML_BYTES, `${label}: within the limit (${size(body)} bytes)`)
  }
})
