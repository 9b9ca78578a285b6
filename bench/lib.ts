/**
 * Shared machinery of the benchmark: the plain-JS build of the servers, CPU pinning, servers
 * and the load generator as child processes, and small statistics.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { existsSync, rmSync } from 'node:fs'
import type { LoadJob, LoadResult } from './load.js'

export const benchDir = fileURLToPath(new URL('.', import.meta.url))
export const rootDir = fileURLToPath(new URL('..', import.meta.url))
// One build per run, so that runs started at the same time (by other people) never share one.
const buildDir = fileURLToPath(new URL(`./.build/run-${process.pid}/`, import.meta.url))
export const serveJs = `${buildDir}bench/servers/serve.js`
export const startupJs = `${buildDir}bench/servers/startup.js`
const loadJs = `${buildDir}bench/load.js`

/**
 * Compiles src/ and the bench servers to plain JavaScript in bench/.build/run-<pid> (tsc, no
 * loader at run time), so that servers run as `node server.js` — under valgrind too.
 */
export function buildServers (): void {
  rmSync(buildDir, { recursive: true, force: true })
  const tsc = spawnSync(process.execPath, [`${rootDir}node_modules/typescript/bin/tsc`, '-p', `${benchDir}tsconfig.build.json`, '--outDir', buildDir], { cwd: rootDir, encoding: 'utf8' })
  // Type errors elsewhere (others' work in progress) do not stop the emit; a missing output does.
  if (tsc.status !== 0 && tsc.stdout.length > 0) process.stderr.write(`bench: tsc reported (emitted anyway):\n${tsc.stdout.split('\n').slice(0, 10).join('\n')}\n`)
  if (!existsSync(serveJs) || !existsSync(startupJs) || !existsSync(loadJs)) throw new Error(`bench: building the servers failed:\n${tsc.stdout}${tsc.stderr}`)
}

/** Removes this run's build. */
export function removeBuild (): void {
  rmSync(buildDir, { recursive: true, force: true })
}

// ---------------------------------------------------------------------------------------------
// CPU pinning
// ---------------------------------------------------------------------------------------------

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0
const cpus = availableParallelism()
/** CPU of the servers, CPU of the load generator; `undefined` when pinning is not possible. */
export const pinning = hasTaskset && cpus >= 2 ? { server: 0, load: 1 } : undefined

/** `[cmd, ...args]` prefixed with `taskset -c <cpu>` where possible. */
export function pinned (cpu: 'server' | 'load', argv: string[]): [string, string[]] {
  if (pinning === undefined) return [argv[0] as string, argv.slice(1)]
  return ['taskset', ['-c', String(pinning[cpu]), ...argv]]
}

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

export type Side = 'routecraft' | 'raw'

export interface Server {
  readonly side: Side
  readonly child: ChildProcess
  readonly port: number
  /** Resolves with valgrind's or node's stderr when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>
  stop (): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>
}

// Servers still running when the runner exits (an error, Ctrl-C) are stopped with it.
const live = new Set<ChildProcess>()
process.once('exit', () => { for (const child of live) child.kill('SIGKILL') })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))

export const VALGRIND = ['valgrind', '--tool=cachegrind', '--cache-sim=no', '--smc-check=all-non-file', '--cachegrind-out-file=/dev/null']

export function startServer (side: Side, options: { valgrind?: boolean; ipc?: boolean; pin?: boolean; nodeArgs?: string[]; readyTimeoutMs?: number } = {}): Promise<Server> {
  const nodeArgs = [...(options.valgrind === true ? ['--single-threaded'] : []), ...(options.nodeArgs ?? [])]
  const argv = [...(options.valgrind === true ? VALGRIND : []), process.execPath, ...nodeArgs, serveJs, side]
  const [cmd, args] = options.pin === false ? [argv[0] as string, argv.slice(1)] : pinned('server', argv)
  const child = spawn(cmd, args, { cwd: rootDir, stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc === true ? ['ipc' as const] : [])] })
  live.add(child)
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(resolve => {
    child.once('close', (code, signal) => { live.delete(child); resolve({ code, signal, stderr }) })
  })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${side} server did not start:\n${stderr}`)) }, options.readyTimeoutMs ?? 30_000)
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const m = /READY (\d+)/.exec(out)
      if (m === null) return
      clearTimeout(timer)
      child.stdout?.removeAllListeners('data')
      child.stdout?.resume()
      resolve({
        side, child, port: Number(m[1]), exited,
        stop: () => { child.kill('SIGTERM'); return exited },
      })
    })
    void exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`${side} server exited (${String(code)}) before listening:\n${stderr}`)) })
  })
}

// ---------------------------------------------------------------------------------------------
// The load generator
// ---------------------------------------------------------------------------------------------

export class LoadGenerator {
  readonly #child: ChildProcess
  readonly #pending = new Map<number, (r: LoadResult) => void>()
  #next = 1

  constructor () {
    const [cmd, args] = pinned('load', [process.execPath, loadJs])
    this.#child = spawn(cmd, args, { cwd: rootDir, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    this.#child.on('message', (r: LoadResult) => {
      this.#pending.get(r.id)?.(r)
      this.#pending.delete(r.id)
    })
  }

  run (job: Omit<LoadJob, 'id'>): Promise<LoadResult> {
    const id = this.#next++
    return new Promise(resolve => {
      this.#pending.set(id, resolve)
      this.#child.send({ ...job, id })
    })
  }

  close (): void {
    this.#child.disconnect()
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting
// ---------------------------------------------------------------------------------------------

export function median (values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US')
export const fixed = (n: number, digits = 3): string => Number.isFinite(n) ? n.toFixed(digits) : '–'
