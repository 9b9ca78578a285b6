// A real redis-server for the tests (not a test file itself): started on a free loopback port
// with its own temporary directory, stopped (and the directory removed) by `stop()`. Never a
// server that happens to run on the machine. `.ci/run` installs Debian's redis-server.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RedisServer {
  host: '127.0.0.1'
  port: number
  url: string
  dir: string
  /** Stops the server (SIGTERM, then SIGKILL); the data directory stays until `stop()`. */
  halt (): Promise<void>
  /** Starts it again on the same port and directory (with AOF, the data comes back). */
  restart (): Promise<void>
  stop (): Promise<void>
}

export const redisServerBinary = process.env.REDIS_SERVER ?? 'redis-server'

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

function launch (port: number, dir: string, appendOnly: boolean): ChildProcess {
  const child = spawn(redisServerBinary, [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', appendOnly ? 'yes' : 'no', '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning',
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr!.resume()
  return child
}

async function ping (port: number, deadline: number): Promise<void> {
  const { connect } = await import('node:net')
  for (;;) {
    const ok = await new Promise<boolean>(resolve => {
      const socket = connect(port, '127.0.0.1')
      socket.on('connect', () => socket.write('PING\r\n'))
      socket.on('data', d => { socket.destroy(); resolve(d.toString().startsWith('+PONG')) })
      socket.on('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} does not answer PING`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Starts a redis-server; `appendOnly` turns AOF on (for restart tests). */
export async function startRedis (options: { appendOnly?: boolean } = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'routecraft-redis-'))
  let port = 0
  let child: ChildProcess | undefined
  for (let tries = 0; child === undefined; tries++) {
    port = await freePort()
    try {
      child = await startOn(port, dir, options.appendOnly === true)
    } catch (err) {
      if (tries >= 3) { await rm(dir, { recursive: true, force: true }); throw err }
    }
  }
  const halt = async (): Promise<void> => {
    const running = child
    if (running === undefined || running.exitCode !== null) return
    running.removeAllListeners('exit')
    const exited = new Promise<void>(resolve => running.once('exit', () => resolve()))
    running.kill('SIGTERM')
    const timer = setTimeout(() => running.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    halt,
    restart: async () => {
      await halt()
      child = await startOn(port, dir, options.appendOnly === true)
    },
    stop: async () => {
      await halt()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function startOn (port: number, dir: string, appendOnly: boolean): Promise<ChildProcess> {
  const child = launch(port, dir, appendOnly)
  const failed = new Promise<never>((_resolve, reject) => {
    child.on('error', err => reject(new Error(`could not start ${redisServerBinary} (install Debian's redis-server): ${err.message}`)))
    child.on('exit', code => reject(new Error(`${redisServerBinary} exited with ${code} before it answered`)))
  })
  failed.catch(() => {})
  try {
    await Promise.race([ping(port, Date.now() + 10_000), failed])
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  child.removeAllListeners('exit')
  child.removeAllListeners('error')
  return child
}
