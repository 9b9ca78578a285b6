/**
 * Fresh apps for behaviour tests: the given plugins registered, error logs collected.
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify'

type Tap = { teardown: (fn: () => unknown) => void }

/** One line of Fastify's JSON log. */
export interface LogLine { level: number; msg: string; err?: { message?: string; type?: string } }

/** A fresh, ready app with the given routes, closed after the test; error logs are collected in `logs`. */
export async function appWith (t: Tap, ...routes: FastifyPluginAsync[]): Promise<{ app: FastifyInstance; logs: LogLine[] }> {
  const logs: LogLine[] = []
  const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => { logs.push(JSON.parse(line) as LogLine) } } } })
  t.teardown(() => app.close())
  for (const r of routes) await app.register(r)
  await app.ready()
  return { app, logs }
}

/** The `set-cookie` lines of a response, as an array. */
export function setCookies (header: string | string[] | number | undefined): string[] {
  if (header === undefined) return []
  return Array.isArray(header) ? header : [String(header)]
}
