/**
 * Start-up, measured two ways (see bench/README.md):
 *
 * - timed: fresh processes of `servers/startup.ts`, every variant in turn (the order rotating
 *   each run), spawn → listening as seen from here, RSS right after listening and the first
 *   requests (medians of the runs);
 * - in instructions: the same processes under valgrind, to listening and out; and again with n
 *   first requests to n cold routes, whose difference ÷ n is one first request's cost.
 */
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { median, pinned, rootDir, startupJs, thousands, fixed, VALGRIND } from './lib.js'

export const VARIANTS = ['routecraft', 'routecraft-bare', 'raw', 'raw-bare', 'raw-noschema', 'raw-plugins'] as const
export type Variant = typeof VARIANTS[number]
export const VARIANT_TITLES: Record<Variant, string> = {
  routecraft: 'routecraft + openapi()',
  'routecraft-bare': 'routecraft',
  raw: 'Fastify + @fastify/swagger',
  'raw-bare': 'Fastify',
  'raw-noschema': 'Fastify, no schemas',
  'raw-plugins': 'Fastify, no schemas, a plugin per route',
}

/** The variants counted in instructions: routecraft with and without openapi(), Fastify + swagger and the two floors. */
const COUNTED = ['routecraft', 'routecraft-bare', 'raw', 'raw-noschema', 'raw-plugins'] as const

/** Start-up targets (at 1,000 routes with fresh schemas). */
export const STARTUP_TARGETS = { ms: 1000, instructionRatio: 0.35, rssMb: 100, firstRequestMs: 5 }

interface Probe {
  importMs: number; readyMs: number; listenAt: number; rss: number; cpuMs: number
  firstMs?: number; coldGetMs?: number; warmGetMs?: number; coldPostMs?: number; docMs?: number; docBytes?: number
}

interface Stat { median: number; min: number; max: number }
export interface StartupRow {
  routes: number
  schemas: 'fresh' | 'shared'
  variant: Variant
  runs: number
  /** spawn → listening, ms */
  listen: Stat
  /** CPU time of the process up to listening (user + system), ms: steadier than wall time on a loaded machine */
  cpuMs?: Stat
  importMs: number
  readyMs: number
  rssMb: number
  firstMs: number
  coldGetMs: number
  warmGetMs: number
  coldPostMs: number
  docMs?: number
  docBytes?: number
  /** Set when the variant could not start at this size. */
  error?: string
}

export interface StartupCountRow { routes: number; variant: Variant; instructions: number }
export interface ColdRequestCount { variant: Variant; routes: number; requests: number; perRequest: number }

function runOnce (variant: Variant, routes: number, extra: string[], valgrind: boolean, pin: boolean): Promise<{ probe: Probe; spawnAt: number; stderr: string }> {
  const argv = [...(valgrind ? [...VALGRIND, process.execPath, '--single-threaded'] : [process.execPath]), startupJs, variant, String(routes), ...extra]
  const [cmd, args] = pin ? pinned('server', argv) : [argv[0] as string, argv.slice(1)]
  return new Promise((resolve, reject) => {
    const spawnAt = performance.timeOrigin + performance.now()
    const child = spawn(cmd, args, { cwd: rootDir, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d })
    child.on('close', code => {
      if (code !== 0) { reject(new Error(`startup ${variant} ${routes} ${extra.join(' ')}: exit ${String(code)}\n${err.slice(-2000)}`)); return }
      resolve({ probe: JSON.parse(out.trim().split('\n').at(-1) as string) as Probe, spawnAt, stderr: err })
    })
  })
}

const stat = (xs: number[]): Stat => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) })
const med = (xs: Array<number | undefined>): number => median(xs.filter((x): x is number => x !== undefined))

/** The timed start-up runs: fresh schemas at every size, shared schemas at 1,000 routes. */
export async function startupTimed (options: { runs: number; sizes: number[]; log: (line: string) => void }): Promise<StartupRow[]> {
  const plan: Array<{ routes: number; schemas: 'fresh' | 'shared'; variants: readonly Variant[]; runs: number }> = []
  for (const routes of options.sizes) {
    // The largest size costs the most; three runs give a median there.
    plan.push({ routes, schemas: 'fresh', variants: VARIANTS, runs: routes >= 5000 ? Math.min(3, options.runs) : options.runs })
    if (routes === 1000) plan.push({ routes, schemas: 'shared', variants: ['routecraft', 'raw'], runs: options.runs })
  }
  const rows: StartupRow[] = []
  for (const step of plan) {
    const probes = new Map<Variant, Array<Probe & { listenMs: number }>>(step.variants.map(v => [v, []]))
    // A variant that cannot start at this size is reported (its first error line) and not run again.
    const failed = new Map<Variant, string>()
    for (let i = 0; i < step.runs; i++) {
      // Rotate the order, so that a drift of the machine hits every variant alike.
      const order = step.variants.map((_, k) => step.variants[(k + i) % step.variants.length] as Variant)
      for (const variant of order) {
        if (failed.has(variant)) continue
        try {
          const { probe, spawnAt } = await runOnce(variant, step.routes, step.schemas === 'shared' ? ['--shared'] : [], false, true)
          probes.get(variant)?.push({ ...probe, listenMs: probe.listenAt - spawnAt })
        } catch (err) {
          const line = (err as Error).message.split('\n').find(l => /Error/.test(l)) ?? (err as Error).message.split('\n')[0] ?? 'failed'
          failed.set(variant, line.trim())
          options.log(`  startup ${String(step.routes).padStart(5)} routes (${step.schemas}) ${VARIANT_TITLES[variant]}: FAILED: ${line.trim()}`)
        }
      }
    }
    for (const variant of step.variants) {
      const list = probes.get(variant) as Array<Probe & { listenMs: number }>
      const error = failed.get(variant)
      if (error !== undefined) {
        const none = { median: Number.NaN, min: Number.NaN, max: Number.NaN }
        rows.push({ routes: step.routes, schemas: step.schemas, variant, runs: 0, listen: none, importMs: Number.NaN, readyMs: Number.NaN, rssMb: Number.NaN, firstMs: Number.NaN, coldGetMs: Number.NaN, warmGetMs: Number.NaN, coldPostMs: Number.NaN, error })
        continue
      }
      const row: StartupRow = {
        routes: step.routes, schemas: step.schemas, variant, runs: list.length,
        listen: stat(list.map(p => p.listenMs)),
        cpuMs: stat(list.map(p => p.cpuMs)),
        importMs: med(list.map(p => p.importMs)), readyMs: med(list.map(p => p.readyMs)), rssMb: med(list.map(p => p.rss)) / 1048576,
        firstMs: med(list.map(p => p.firstMs)), coldGetMs: med(list.map(p => p.coldGetMs)), warmGetMs: med(list.map(p => p.warmGetMs)), coldPostMs: med(list.map(p => p.coldPostMs)),
      }
      if (list[0]?.docBytes !== undefined) { row.docMs = med(list.map(p => p.docMs)); row.docBytes = list[0].docBytes }
      rows.push(row)
      options.log(`  startup ${String(step.routes).padStart(5)} routes (${step.schemas}) ${VARIANT_TITLES[variant].padEnd(28)} ${row.listen.median.toFixed(0).padStart(6)} ms to listening (CPU ${row.cpuMs?.median.toFixed(0) ?? '?'} ms), RSS ${row.rssMb.toFixed(0)} MB, first request ${row.firstMs.toFixed(1)} ms`)
    }
  }
  return rows
}

function instructionsOf (stderr: string, what: string): number {
  const m = /I\s+refs:\s+([\d,]+)/.exec(stderr)
  if (m === null) throw new Error(`${what}: no "I refs" in valgrind's output:\n${stderr.slice(-2000)}`)
  return Number((m[1] as string).replace(/,/g, ''))
}

/** Start-up to listening in instructions, and one first request to a cold route. */
export async function startupCounts (options: { sizes: number[]; coldRequests: number; pin: boolean; log: (line: string) => void; save: (rows: StartupCountRow[], cold: ColdRequestCount[]) => void }): Promise<void> {
  const rows: StartupCountRow[] = []
  const cold: ColdRequestCount[] = []
  const count = async (variant: Variant, routes: number, n: number): Promise<number> =>
    instructionsOf((await runOnce(variant, routes, ['--cold', String(n)], true, options.pin)).stderr, `startup ${variant} ${routes}`)
  for (const routes of options.sizes) {
    for (const variant of COUNTED) {
      const instructions = await count(variant, routes, 0)
      rows.push({ routes, variant, instructions })
      options.log(`  startup ${String(routes).padStart(5)} routes ${VARIANT_TITLES[variant].padEnd(28)} ${thousands(instructions)} instructions`)
      options.save(rows, cold)
    }
  }
  const routes = options.sizes.includes(1000) ? 1000 : options.sizes.at(-1) as number
  for (const variant of ['routecraft', 'raw'] as const) {
    const base = rows.find(r => r.routes === routes && r.variant === variant)?.instructions ?? await count(variant, routes, 0)
    const n = Math.min(options.coldRequests, routes / 2)
    const withRequests = await count(variant, routes, n)
    const perRequest = (withRequests - base) / n
    cold.push({ variant, routes, requests: n, perRequest })
    options.log(`  first request to a cold route (${VARIANT_TITLES[variant]}, ${routes} routes): ${thousands(perRequest)} instructions`)
    options.save(rows, cold)
  }
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

const ms = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(0)
const ms1 = (n: number | undefined): string => n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(1)
const verdict = (ok: boolean): string => ok ? 'ok' : '**missed**'

export function startupMarkdown (rows: StartupRow[], note: string): string[] {
  const out: string[] = ['## Start-up: spawn → listening', '']
  out.push(`Fresh process per run, every variant in turn (order rotating), pinned; ms from spawning the process to the server listening, median (min–max) of the runs shown. Half the routes \`GET /r<i>/items/:item_id\` (params + response model), half \`POST /r<i>/items\` (body + response model); "fresh": schema objects of their own per route, "shared": one set of objects for all routes.${note}`, '')
  const find = (routes: number, schemas: string, variant: Variant): StartupRow | undefined => rows.find(r => r.routes === routes && r.schemas === schemas && r.variant === variant)
  out.push(`| routes | schemas | runs | ${VARIANTS.map(v => VARIANT_TITLES[v]).join(' | ')} | routecraft + openapi() ÷ Fastify + swagger |`)
  out.push(`| ---: | --- | ---: | ${VARIANTS.map(() => '---:').join(' | ')} | ---: |`)
  const keys = [...new Set(rows.map(r => `${r.routes} ${r.schemas}`))]
  for (const key of keys) {
    const [routesText, schemas] = key.split(' ') as [string, string]
    const routes = Number(routesText)
    const cells = VARIANTS.map(v => { const r = find(routes, schemas, v); return r === undefined ? '–' : r.error !== undefined ? `failed: ${r.error}` : `${ms(r.listen.median)} (${ms(r.listen.min)}–${ms(r.listen.max)})` })
    const rc = find(routes, schemas, 'routecraft')
    const raw = find(routes, schemas, 'raw')
    const runs = Math.max(...VARIANTS.map(v => find(routes, schemas, v)?.runs ?? 0))
    const target = routes === 1000 && schemas === 'fresh' && rc !== undefined ? ` (target ≤ ${STARTUP_TARGETS.ms} ms: ${verdict(rc.listen.median <= STARTUP_TARGETS.ms)})` : ''
    out.push(`| ${thousands(routes)} | ${schemas} | ${runs} | ${cells.join(' | ')} | ${rc !== undefined && raw !== undefined ? fixed(rc.listen.median / raw.listen.median, 2) : '–'}${target} |`)
  }
  out.push('')
  if (rows.some(r => r.cpuMs !== undefined)) {
    out.push('CPU time of the process up to listening (user + system, ms, median of the same runs): steadier than wall time when other work shares the machine.', '')
    out.push(`| routes | schemas | ${VARIANTS.map(v => VARIANT_TITLES[v]).join(' | ')} | routecraft + openapi() ÷ Fastify + swagger |`)
    out.push(`| ---: | --- | ${VARIANTS.map(() => '---:').join(' | ')} | ---: |`)
    for (const key of keys) {
      const [routesText, schemas] = key.split(' ') as [string, string]
      const routes = Number(routesText)
      const cpu = (v: Variant): number | undefined => find(routes, schemas, v)?.cpuMs?.median
      const rc = cpu('routecraft')
      const raw = cpu('raw')
      out.push(`| ${thousands(routes)} | ${schemas} | ${VARIANTS.map(v => ms(cpu(v))).join(' | ')} | ${rc !== undefined && raw !== undefined ? fixed(rc / raw, 2) : '–'} |`)
    }
    out.push('')
  }
  const big = Math.max(...rows.map(r => r.routes))
  const base = rows.some(r => r.routes === 1000) ? 1000 : Math.min(...rows.map(r => r.routes))
  if (big > base) {
    const per = (v: Variant): string => {
      const a = find(base, 'fresh', v)
      const b = find(big, 'fresh', v)
      return a === undefined || b === undefined ? '–' : ms1((b.listen.median - a.listen.median) / (big - base) * 1000)
    }
    out.push(`Per 1,000 routes from ${thousands(base)} to ${thousands(big)} routes (ms, medians): ${VARIANTS.map(v => `${VARIANT_TITLES[v]} ${per(v)}`).join('; ')}.`, '')
    const perCpu = (v: Variant): string => {
      const a = find(base, 'fresh', v)?.cpuMs?.median
      const b = find(big, 'fresh', v)?.cpuMs?.median
      return a === undefined || b === undefined ? '–' : ms1((b - a) / (big - base) * 1000)
    }
    out.push(`In CPU time, per 1,000 routes from ${thousands(base)} to ${thousands(big)} routes (ms, medians): ${VARIANTS.map(v => `${VARIANT_TITLES[v]} ${perCpu(v)}`).join('; ')}.`, '')
  }
  out.push('After listening, with fresh schemas, over one keep-alive connection (medians, ms): the first request of the process (a GET to a route nobody hit yet), a GET to another cold route, the same route again, a POST to a cold route, the first `/openapi.json`; RSS right after listening.', '')
  out.push('| routes | variant | RSS MB | first request | cold GET | warm GET | cold POST | first document | document bytes |', '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const r of rows.filter(x => x.schemas === 'fresh' && x.error === undefined && (x.routes === 1000 || x.routes === big))) {
    const targets = r.routes === 1000 && r.variant === 'routecraft' ? ` (≤ ${STARTUP_TARGETS.rssMb}: ${verdict(r.rssMb <= STARTUP_TARGETS.rssMb)})` : ''
    out.push(`| ${thousands(r.routes)} | ${VARIANT_TITLES[r.variant]} | ${r.rssMb.toFixed(0)}${targets} | ${ms1(r.firstMs)} | ${ms1(r.coldGetMs)} | ${ms1(r.warmGetMs)} | ${ms1(r.coldPostMs)} | ${ms1(r.docMs)} | ${r.docBytes === undefined ? '–' : thousands(r.docBytes)} |`)
  }
  out.push('')
  return out
}

export function startupCountMarkdown (rows: StartupCountRow[], cold: ColdRequestCount[], note: string): string[] {
  const out: string[] = ['## Start-up in instructions', '']
  out.push(`The whole process under valgrind (\`--single-threaded\`): node's boot, the modules, building the app, listening, exit; fresh schemas. Target at 1,000 routes: routecraft + openapi() ≤ ${STARTUP_TARGETS.instructionRatio} × Fastify + @fastify/swagger.${note}`, '')
  out.push(`| routes | ${COUNTED.map(v => VARIANT_TITLES[v]).join(' | ')} | routecraft + openapi() ÷ Fastify + swagger |`, `| ---: | ${COUNTED.map(() => '---:').join(' | ')} | ---: |`)
  const get = (routes: number, v: Variant): number | undefined => rows.find(r => r.routes === routes && r.variant === v)?.instructions
  const sizes = [...new Set(rows.map(r => r.routes))]
  for (const routes of sizes) {
    const rc = get(routes, 'routecraft')
    const raw = get(routes, 'raw')
    const ratio = rc !== undefined && raw !== undefined ? rc / raw : undefined
    const cells = COUNTED.map(v => { const n = get(routes, v); return n === undefined ? '–' : thousands(n) })
    out.push(`| ${thousands(routes)} | ${cells.join(' | ')} | ${ratio === undefined ? '–' : fixed(ratio, 2)}${routes === 1000 && ratio !== undefined ? ` ${verdict(ratio <= STARTUP_TARGETS.instructionRatio)}` : ''} |`)
  }
  if (sizes.length >= 2) {
    const lo = Math.min(...sizes)
    const hi = Math.max(...sizes)
    const per = (v: Variant): string => {
      const a = get(lo, v)
      const b = get(hi, v)
      return a === undefined || b === undefined ? '–' : thousands((b - a) / (hi - lo))
    }
    out.push('', `Per route (${thousands(hi)} routes − ${thousands(lo)} routes, ÷ ${thousands(hi - lo)}): ${COUNTED.map(v => `${VARIANT_TITLES[v]} ${per(v)}`).join(', ')} instructions.`)
    const floor = get(hi, 'raw-plugins')
    const raw = get(hi, 'raw')
    if (floor !== undefined && raw !== undefined) out.push('', `Fastify, no schemas, a plugin per route ÷ Fastify + swagger at ${thousands(hi)} routes: ${fixed(floor / raw, 2)} (registering every route as a plugin of its own, as \`app.register(route(…))\` does, before routecraft does anything).`)
  }
  if (cold.length > 0) {
    out.push('', `First request to a cold route ((I(n first requests) − I(none)) ÷ n, n = ${cold[0]?.requests ?? '?'} distinct GET routes, one keep-alive connection): ${cold.map(c => `${VARIANT_TITLES[c.variant]} ${thousands(c.perRequest)}`).join(', ')} instructions (at ${thousands(cold[0]?.routes ?? 0)} routes).`)
  }
  out.push('')
  return out
}
