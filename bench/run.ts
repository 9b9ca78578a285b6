/**
 * `npm run bench` — routecraft against hand-written Fastify doing the same work.
 *
 *   npm run bench                              throughput of every request scenario + start-up
 *   npm run bench -- --only get,post           some scenarios (names below; `startup` too)
 *   npm run bench -- --rounds 5 --duration 6   more, longer rounds
 *   npm run bench -- --instructions            instructions per request under valgrind (method 1)
 *   npm run bench -- --memory                  RSS after 100k and after 1M GET requests
 *
 * Servers and the load generator (autocannon, its own process) run on 127.0.0.1 and stop by
 * themselves; where `taskset` exists the servers run on CPU 0 and the load generator on CPU 1.
 * Results go to bench/results/<date>.json (sections of later runs on the same day are merged)
 * and bench/results/<date>.md, and the markdown is printed.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { availableParallelism, loadavg } from 'node:os'
import { benchDir, buildServers, removeBuild, fixed, LoadGenerator, median, pinning, rootDir, startServer, thousands, type Side } from './lib.js'
import { instructionsPerRequest, type InstructionCount } from './instructions.js'
import { startupCountMarkdown, startupCounts, startupMarkdown, startupTimed, type ColdRequestCount, type StartupCountRow, type StartupRow } from './startup.js'
import { SCENARIOS, type Scenario } from './servers/common.js'

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

const HELP = `usage: npm run bench -- [options]
  --only <names>      comma-separated (or repeated): ${SCENARIOS.map(s => s.name).join(', ')}, startup
  --rounds <n>        interleaved rounds per scenario (default 3, at least 3 for a ratio)
  --duration <s>      seconds per round (default 4)
  --warmup <s>        seconds of warm-up per server and scenario, not recorded (default 1)
  --connections <n>   concurrent keep-alive connections (default 8)
  --startup-runs <n>  fresh processes per variant and size for start-up (default 5; 3 at 5,000 routes)
  --startup-sizes <l> route counts for start-up (default 10,100,1000,5000; 10,1000 with --instructions)
  --cold-requests <n> first requests to cold routes counted under valgrind (default 20)
  --instructions      instructions per request under valgrind instead of throughput
  --n1 <n> --n2 <n>   requests of the two valgrind runs (default 5000 and 45000)
  --jobs <n>          valgrind runs at a time (default 1, pinned; 2 unpinned halves the wall time)
  --memory            RSS after 100,000 and after 1,000,000 GET requests instead of throughput
  --memory-total <n>  requests of the memory run (default 1000000)
  --help`

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '8' },
    'startup-runs': { type: 'string', default: '5' },
    'startup-sizes': { type: 'string' },
    'cold-requests': { type: 'string', default: '20' },
    instructions: { type: 'boolean', default: false },
    n1: { type: 'string', default: '5000' },
    n2: { type: 'string', default: '45000' },
    jobs: { type: 'string', default: '1' },
    memory: { type: 'boolean', default: false },
    'memory-total': { type: 'string', default: '1000000' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
})
if (values.help === true) {
  console.log(HELP)
  process.exit(0)
}

function positive (name: string, text: string | undefined, min = 1): number {
  const n = Number(text)
  if (!Number.isFinite(n) || n < min) {
    console.error(`bench: --${name} must be a number ≥ ${min}\n${HELP}`)
    process.exit(2)
  }
  return n
}

const opts = {
  rounds: Math.floor(positive('rounds', values.rounds)),
  duration: positive('duration', values.duration),
  warmup: positive('warmup', values.warmup, 0),
  connections: Math.floor(positive('connections', values.connections)),
  startupRuns: Math.floor(positive('startup-runs', values['startup-runs'])),
  coldRequests: Math.floor(positive('cold-requests', values['cold-requests'])),
  n1: Math.floor(positive('n1', values.n1)),
  n2: Math.floor(positive('n2', values.n2)),
  jobs: Math.floor(positive('jobs', values.jobs)),
  memoryTotal: Math.floor(positive('memory-total', values['memory-total'], 200_000)),
}
if (opts.n2 <= opts.n1) {
  console.error('bench: --n2 must be larger than --n1')
  process.exit(2)
}

const startupSizes = (values['startup-sizes'] ?? (values.instructions === true ? '10,1000' : '10,100,1000,5000')).split(',').map(v => Math.floor(positive('startup-sizes', v, 2)))
if (startupSizes.some(n => n % 2 !== 0)) {
  console.error(`bench: --startup-sizes must be even numbers\n${HELP}`)
  process.exit(2)
}

const KNOWN = new Set([...SCENARIOS.map(s => s.name), 'startup'])
const only = values.only?.flatMap(v => v.split(',')).map(v => v.trim()).filter(v => v !== '')
for (const name of only ?? []) {
  if (!KNOWN.has(name)) {
    console.error(`bench: unknown scenario "${name}"\n${HELP}`)
    process.exit(2)
  }
}
const selected = (name: string): boolean => only === undefined || only.includes(name)
const scenarios = SCENARIOS.filter(s => selected(s.name))
const mode = values.memory === true ? 'memory' : values.instructions === true ? 'instructions' : 'throughput'

// ---------------------------------------------------------------------------------------------
// Results file
// ---------------------------------------------------------------------------------------------

interface ThroughputRow {
  scenario: string
  title: string
  rounds: Array<{ side: Side; rps: number; p99: number }>
  routecraft: { median: number; min: number; max: number; p99: number }
  raw: { median: number; min: number; max: number; p99: number }
  ratio: number
}
interface InstructionRow { scenario: string; title: string; routecraft: InstructionCount; raw: InstructionCount; ratio: number }
interface MemorySide { side: Side; requests: Array<{ after: number; rss: number; rssAfterGc: number; heapUsedAfterGc: number }>; rssRatio: number; rssAfterGcRatio: number }
interface Results {
  date: string
  environment: Record<string, unknown>
  throughput?: { options: Record<string, unknown>; rows: ThroughputRow[] }
  startup?: { options: Record<string, unknown>; rows: StartupRow[] }
  instructions?: { options: Record<string, unknown>; rows: InstructionRow[] }
  startupInstructions?: { options: Record<string, unknown>; rows: StartupCountRow[]; cold: ColdRequestCount[] }
  memory?: { options: Record<string, unknown>; sides: MemorySide[] }
}

const require = createRequire(import.meta.url)
const version = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version
const date = new Date().toISOString().slice(0, 10)
const resultsDir = `${benchDir}results/`
const jsonPath = `${resultsDir}${date}.json`
const mdPath = `${resultsDir}${date}.md`

function git (...args: string[]): string {
  const r = spawnSync('git', args, { cwd: rootDir, encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : ''
}

const la = (): number[] => loadavg().map(n => Number(n.toFixed(2)))

const environment = {
  node: process.version,
  fastify: version('fastify'),
  '@fastify/swagger': version('@fastify/swagger'),
  autocannon: version('autocannon'),
  commit: git('rev-parse', '--short', 'HEAD'),
  srcModified: git('status', '--porcelain', '--', 'src') !== '',
  pinning: pinning === undefined ? 'none' : `server CPU ${pinning.server}, load generator CPU ${pinning.load}`,
  cpus: availableParallelism(),
  loadAverageAtStart: loadavg().map(n => Number(n.toFixed(2))),
}

function loadResults (): Results {
  if (existsSync(jsonPath)) {
    try {
      return JSON.parse(readFileSync(jsonPath, 'utf8')) as Results
    } catch { /* a broken file is replaced */ }
  }
  return { date, environment }
}

function saveResults (update: Partial<Results>): Results {
  const merged: Results = { ...loadResults(), ...update, date, environment }
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(jsonPath, `${JSON.stringify(merged, null, 2)}\n`)
  const md = markdown(merged)
  writeFileSync(mdPath, md)
  return merged
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

const range = (s: { median: number; min: number; max: number }, f: (n: number) => string): string => `${f(s.median)} (${f(s.min)}–${f(s.max)})`
const loadNote = (o: Record<string, unknown>): string => Array.isArray(o.loadAverage) ? ` Load average at the end: ${(o.loadAverage as number[]).join(' / ')}.` : ''
const verdict = (ok: boolean): string => ok ? 'ok' : '**over budget**'

/** The instruction ratio a request scenario may reach (≥ 0.97 of raw throughput). */
export const INSTRUCTION_BUDGET = 1.03

function markdown (r: Results): string {
  const out: string[] = [`# routecraft benchmark, ${r.date}`, '']
  const la = r.environment.loadAverageAtStart as number[] | undefined
  out.push(`Node ${String(r.environment.node)}, Fastify ${String(r.environment.fastify)}, @fastify/swagger ${String(r.environment['@fastify/swagger'])}, autocannon ${String(r.environment.autocannon)}; commit ${String(r.environment.commit)}${r.environment.srcModified === true ? ' (src/ modified)' : ''}; pinning: ${String(r.environment.pinning)}; ${String(r.environment.cpus)} CPUs, load average at start ${la === undefined ? '?' : la.join(' / ')} (other work on the machine makes req/s meaningless; instruction counts hold).`, '')
  if (r.instructions !== undefined) {
    const o = r.instructions.options
    out.push('## Instructions per request (decides the budget)', '')
    out.push(`valgrind cachegrind, (I(N2) − I(N1)) / (N2 − N1) with N1 = ${String(o.n1)}, N2 = ${String(o.n2)}, ${String(o.connections)} connections. Budget: routecraft/raw ≤ ${INSTRUCTION_BUDGET}.${loadNote(o)}`, '')
    out.push('| scenario | routecraft | raw Fastify | ratio | budget |', '| --- | ---: | ---: | ---: | --- |')
    for (const row of r.instructions.rows) {
      out.push(`| ${row.scenario}: ${row.title} | ${thousands(row.routecraft.perRequest)} | ${thousands(row.raw.perRequest)} | ${fixed(row.ratio)} | ${verdict(row.ratio <= INSTRUCTION_BUDGET)} |`)
    }
    out.push('')
  }
  if (r.throughput !== undefined) {
    const o = r.throughput.options
    out.push('## Throughput (for scale; too noisy on these machines to show a few %)', '')
    out.push(`autocannon, ${String(o.connections)} connections, ${String(o.rounds)} interleaved rounds of ${String(o.duration)} s per side (after ${String(o.warmup)} s warm-up); req/s median (min–max), p99 of the median round in ms.${loadNote(o)}`, '')
    out.push('| scenario | routecraft req/s | raw req/s | ratio | routecraft p99 | raw p99 |', '| --- | ---: | ---: | ---: | ---: | ---: |')
    for (const row of r.throughput.rows) {
      out.push(`| ${row.scenario}: ${row.title} | ${range(row.routecraft, thousands)} | ${range(row.raw, thousands)} | ${fixed(row.ratio)} | ${row.routecraft.p99} | ${row.raw.p99} |`)
    }
    out.push('')
  }
  // Sections written by earlier versions of this runner have another shape; they are not shown.
  if (r.startup !== undefined && r.startup.rows[0]?.listen !== undefined) out.push(...startupMarkdown(r.startup.rows, loadNote(r.startup.options)))
  if (r.startupInstructions?.cold !== undefined) out.push(...startupCountMarkdown(r.startupInstructions.rows, r.startupInstructions.cold, loadNote(r.startupInstructions.options)))
  if (r.memory !== undefined) {
    out.push('## Memory (GET scenario)', '')
    out.push('RSS of the server process after the first requests and at the end, as reported by the process (then again after a full GC).', '')
    out.push('| side | after | RSS MB | RSS after GC MB | heap used after GC MB |', '| --- | ---: | ---: | ---: | ---: |')
    const mb = (n: number): string => (n / 1048576).toFixed(1)
    for (const side of r.memory.sides) {
      for (const p of side.requests) out.push(`| ${side.side} | ${thousands(p.after)} | ${mb(p.rss)} | ${mb(p.rssAfterGc)} | ${mb(p.heapUsedAfterGc)} |`)
    }
    out.push('', r.memory.sides.map(s => `${s.side}: end/start RSS ${fixed(s.rssRatio)}, after GC ${fixed(s.rssAfterGcRatio)}${s.side === 'routecraft' ? ` (${verdict(s.rssRatio <= 1.1)} within 10%)` : ''}`).join('; ') + '.', '')
  }
  return out.join('\n')
}

// ---------------------------------------------------------------------------------------------
// Parity: both sides must answer the same before they are compared
// ---------------------------------------------------------------------------------------------

async function answer (port: number, s: Scenario): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}${s.path}`, { method: s.method, headers: s.headers, body: s.body })
  const headers = [...res.headers].filter(([k]) => !['date', 'keep-alive', 'connection'].includes(k))
  const body = await res.text()
  return JSON.stringify({ status: res.status, headers: s.name === 'openapi' ? [] : headers, body: s.name === 'openapi' ? '' : body })
}

async function checkParity (ports: Record<Side, number>, list: readonly Scenario[]): Promise<void> {
  for (const s of list) {
    const [a, b] = [await answer(ports.routecraft, s), await answer(ports.raw, s)]
    if (a !== b) throw new Error(`scenario ${s.name}: routecraft and raw Fastify answer differently:\n  routecraft ${a}\n  raw        ${b}`)
    if (JSON.parse(a).status !== s.status) throw new Error(`scenario ${s.name}: expected ${s.status}, got ${a}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Modes
// ---------------------------------------------------------------------------------------------

const summary = (xs: Array<{ rps: number; p99: number }>): ThroughputRow['raw'] => {
  const rps = xs.map(x => x.rps)
  const m = median(rps)
  // p99 of the round closest to the median
  const mid = xs.reduce((best, x) => Math.abs(x.rps - m) < Math.abs(best.rps - m) ? x : best, xs[0] as { rps: number; p99: number })
  return { median: m, min: Math.min(...rps), max: Math.max(...rps), p99: mid.p99 }
}

async function throughput (load: LoadGenerator, list: readonly Scenario[]): Promise<ThroughputRow[]> {
  const servers = { routecraft: await startServer('routecraft'), raw: await startServer('raw') }
  const rows: ThroughputRow[] = []
  try {
    await checkParity({ routecraft: servers.routecraft.port, raw: servers.raw.port }, list)
    for (const s of list) {
      const job = (side: Side, duration: number) => load.run({
        url: `http://127.0.0.1:${servers[side].port}${s.path}`, method: s.method, headers: s.headers, body: s.body,
        connections: opts.connections, duration,
      })
      if (opts.warmup > 0) for (const side of ['routecraft', 'raw'] as const) await job(side, opts.warmup)
      const rounds: ThroughputRow['rounds'] = []
      for (let i = 0; i < opts.rounds; i++) {
        // A B, then B A: a drift in machine speed hits both sides alike.
        const order: Side[] = i % 2 === 0 ? ['routecraft', 'raw'] : ['raw', 'routecraft']
        for (const side of order) {
          const r = await job(side, opts.duration)
          const good = r.statusCodes[String(s.status)] ?? 0
          if (r.errors > 0 || good !== r.requests) throw new Error(`scenario ${s.name} (${side}): ${JSON.stringify(r.statusCodes)}, ${r.errors} errors${r.error === undefined ? '' : `: ${r.error}`}`)
          rounds.push({ side, rps: r.rps, p99: r.p99 })
        }
      }
      const rc = summary(rounds.filter(r => r.side === 'routecraft'))
      const raw = summary(rounds.filter(r => r.side === 'raw'))
      const row = { scenario: s.name, title: s.title, rounds, routecraft: rc, raw, ratio: rc.median / raw.median }
      rows.push(row)
      console.error(`  ${s.name.padEnd(10)} routecraft ${thousands(rc.median).padStart(7)} req/s  raw ${thousands(raw.median).padStart(7)} req/s  ratio ${fixed(row.ratio)}`)
    }
  } finally {
    await Promise.all([servers.routecraft.stop(), servers.raw.stop()])
  }
  return rows
}

async function instructions (load: LoadGenerator, list: readonly Scenario[]): Promise<InstructionRow[]> {
  const rows: InstructionRow[] = []
  for (const s of list) {
    const o = { n1: opts.n1, n2: opts.n2, connections: opts.connections, jobs: opts.jobs }
    const { routecraft: rc, raw } = await instructionsPerRequest(load, s, o)
    const row = { scenario: s.name, title: s.title, routecraft: rc, raw, ratio: rc.perRequest / raw.perRequest }
    rows.push(row)
    console.error(`  ${s.name.padEnd(10)} routecraft ${thousands(rc.perRequest).padStart(8)} instr/req  raw ${thousands(raw.perRequest).padStart(8)}  ratio ${fixed(row.ratio)}`)
    // Saved after each scenario (a full run takes a while), merged with what is in the file
    // now: rows of other scenarios, written by other runs that day, are kept.
    saveResults({ instructions: { options: { ...o, loadAverage: la() }, rows: mergeRows(loadResults().instructions?.rows ?? [], rows) } })
  }
  return rows
}

/** Rows of this run replace rows of the same scenario from an earlier run that day. */
function mergeRows<T extends { scenario: string }> (before: readonly T[], now: readonly T[]): T[] {
  const names = new Set(now.map(r => r.scenario))
  const order = SCENARIOS.map(s => s.name)
  return [...before.filter(r => !names.has(r.scenario)), ...now].sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario))
}

async function memory (load: LoadGenerator): Promise<MemorySide[]> {
  const s = SCENARIOS.find(x => x.name === 'get') as Scenario
  const first = 100_000
  const out: MemorySide[] = []
  for (const side of ['routecraft', 'raw'] as const) {
    const server = await startServer(side, { ipc: true, nodeArgs: ['--expose-gc'] })
    const measure = (): Promise<{ before: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage }> => new Promise(resolve => {
      server.child.once('message', m => resolve(m as { before: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage }))
      server.child.send('memory')
    })
    const points: MemorySide['requests'] = []
    try {
      let done = 0
      for (const target of [first, opts.memoryTotal]) {
        const r = await load.run({ url: `http://127.0.0.1:${server.port}${s.path}`, method: s.method, connections: opts.connections, amount: target - done })
        if ((r.statusCodes['200'] ?? 0) !== target - done) throw new Error(`memory ${side}: ${JSON.stringify(r.statusCodes)}`)
        done = target
        const m = await measure()
        points.push({ after: done, rss: m.before.rss, rssAfterGc: m.after.rss, heapUsedAfterGc: m.after.heapUsed })
        console.error(`  memory ${side}: after ${thousands(done)} requests RSS ${(m.before.rss / 1048576).toFixed(1)} MB (${(m.after.rss / 1048576).toFixed(1)} MB after GC, heap ${(m.after.heapUsed / 1048576).toFixed(1)} MB)`)
      }
    } finally {
      await server.stop()
    }
    const [a, b] = points as [MemorySide['requests'][number], MemorySide['requests'][number]]
    out.push({ side, requests: points, rssRatio: b.rss / a.rss, rssAfterGcRatio: b.rssAfterGc / a.rssAfterGc })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

const started = Date.now()
console.error('bench: building the servers (plain JS in bench/.build)…')
buildServers()
console.error(`bench: ${mode}; pinning: ${environment.pinning}`)
const load = new LoadGenerator()
let results: Results
try {
  if (mode === 'memory') {
    const sides = await memory(load)
    results = saveResults({ memory: { options: { connections: opts.connections, first: 100_000, total: opts.memoryTotal, loadAverage: la() }, sides } })
  } else if (mode === 'instructions') {
    if (scenarios.length > 0) {
      // The same bytes on both sides first, as for throughput: a count compares the same work.
      const servers = { routecraft: await startServer('routecraft'), raw: await startServer('raw') }
      try {
        await checkParity({ routecraft: servers.routecraft.port, raw: servers.raw.port }, scenarios)
      } finally {
        await Promise.all([servers.routecraft.stop(), servers.raw.stop()])
      }
    }
    await instructions(load, scenarios)
    if (selected('startup')) {
      await startupCounts({
        sizes: startupSizes, coldRequests: opts.coldRequests, pin: true, log: line => { console.error(line) },
        save: (rows, cold) => { saveResults({ startupInstructions: { options: { sizes: startupSizes, coldRequests: opts.coldRequests, loadAverage: la() }, rows, cold } }) },
      })
    }
    results = loadResults()
  } else {
    const update: Partial<Results> = {}
    if (scenarios.length > 0) {
      const rows = await throughput(load, scenarios)
      update.throughput = { options: { rounds: opts.rounds, duration: opts.duration, warmup: opts.warmup, connections: opts.connections, loadAverage: la() }, rows: only === undefined ? rows : mergeRows(loadResults().throughput?.rows ?? [], rows) }
    }
    if (selected('startup')) {
      const rows = await startupTimed({ runs: opts.startupRuns, sizes: startupSizes, log: line => { console.error(line) } })
      update.startup = { options: { runs: opts.startupRuns, sizes: startupSizes, loadAverage: la() }, rows }
    }
    results = saveResults(update)
  }
} finally {
  load.close()
  removeBuild()
}
console.log(markdown(results))
console.error(`bench: done in ${Math.round((Date.now() - started) / 1000)} s; results in bench/results/${date}.json and .md`)
