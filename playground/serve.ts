/**
 * Serves the showcase (`npm start`) or one seed example (`npm run example -- <name>`) on
 * 127.0.0.1:8000 (`PORT` and `HOST` override), docs at /docs.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

const args = process.argv.slice(2)
const at = args.indexOf('--example')
const name = at === -1 ? undefined : args[at + 1]
const seedDir = fileURLToPath(new URL('./seed/', import.meta.url))
const examples = readdirSync(seedDir).filter(f => f.endsWith('.ts')).map(f => f.slice(0, -3)).sort()

if (at !== -1 && (name === undefined || !examples.includes(name))) {
  console.error(`usage: npm run example -- <name>\nexamples: ${examples.join(', ')}`)
  process.exit(2)
}

const mod = (name === undefined ? await import('./app.js') : await import(`./seed/${name}.js`)) as { build: (opts?: { logger?: boolean; itemCreatedTarget?: { url: string; secret: string }; redisUrl?: string }) => Promise<FastifyInstance> }
const port = Number(process.env.PORT ?? 8000)
const host = process.env.HOST ?? '127.0.0.1'
// The showcase sends item-created to its own receiver (WEBHOOK_URL overrides), in-process, or
// through Redis when REDIS_URL is set.
const showcase = async (): Promise<FastifyInstance> => {
  const { webhookSecret } = await import('./app.js')
  const url = process.env.WEBHOOK_URL ?? `http://${host}:${port}/hooks/item-created`
  return mod.build({ logger: true, itemCreatedTarget: { url, secret: webhookSecret }, redisUrl: process.env.REDIS_URL })
}
const app = name === undefined ? await showcase() : await mod.build()
await app.listen({ port, host })
console.log(`${name ?? 'showcase'} on http://${host}:${port} — docs at http://${host}:${port}/docs`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { void app.close().then(() => process.exit(0)) })
}
