/**
 * Serves one side of the request scenarios on 127.0.0.1 (a free port), for the load generator:
 * `node bench/.build/bench/servers/serve.js routecraft|raw`. Prints `READY <port>` when
 * listening; exits on SIGTERM (so valgrind prints its counts). With an IPC channel it answers
 * `'memory'` with `process.memoryUsage()` (after a full GC when run with --expose-gc).
 */
import type { FastifyInstance } from 'fastify'

const side = process.argv[2]
if (side !== 'routecraft' && side !== 'raw') {
  console.error('usage: serve.js routecraft|raw')
  process.exit(2)
}
const { build } = (side === 'routecraft' ? await import('./routecraft.js') : await import('./raw.js')) as { build: () => Promise<FastifyInstance> }
const app = await build()
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.stdout.write(`READY ${typeof address === 'object' && address !== null ? address.port : 0}\n`)

process.once('SIGTERM', () => { process.exit(0) })
if (process.send !== undefined) {
  process.on('message', (message) => {
    if (message !== 'memory') return
    const gc = (globalThis as { gc?: () => void }).gc
    const before = process.memoryUsage()
    if (gc !== undefined) gc()
    process.send?.({ before, after: process.memoryUsage() })
  })
}
