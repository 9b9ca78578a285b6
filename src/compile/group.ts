/**
 * Where a routecraft route is added: the routes of one kind (with a body, without, raw body)
 * registered in one scope share one encapsulated context that holds their body parsers,
 * instead of a context each. Fastify walks its contexts recursively when the app starts (one
 * stack frame per sibling), so thousands of one-route contexts overflow the stack; and a
 * context costs memory and start-up time of its own.
 *
 * A context copies its parent's `onRoute` hooks and content-type parsers when it is made (the
 * request hooks a scope gains later reach its contexts too). So a group is shared only while
 * the scope still has the `onRoute` hooks and parsers it had when the group was made: one the
 * scope gains between two routes (`app.register(formbody)` between them, say) starts a new
 * group, and each route runs what it would run in a context of its own.
 */
import type { FastifyInstance, FastifyPluginOptions } from 'fastify'

type Add = (context: FastifyInstance) => void

interface Group {
  readonly state: ScopeState | undefined
  child: FastifyInstance | undefined
  pending: Add[]
}

/** What a new context copies from its scope for good: its `onRoute` hooks, its parsers. */
interface ScopeState {
  readonly onRoute: number
  readonly parsers: unknown[]
}

const groups = new WeakMap<object, Map<string, Group>>()

// Fastify's own fields for a context's hooks and parsers, read (never written) to tell when a
// scope changed. Found by their description (and found again for another copy of Fastify);
// without them every route gets a context of its own.
const found = new Map<string, symbol>()
function field (instance: object, description: string): unknown {
  const known = found.get(description)
  if (known !== undefined && known in instance) return (instance as Record<symbol, unknown>)[known]
  for (let o: object | null = instance; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const key = Object.getOwnPropertySymbols(o).find(s => s.description === description)
    if (key !== undefined) {
      found.set(description, key)
      return (instance as Record<symbol, unknown>)[key]
    }
  }
  return undefined
}

function scopeFields (fastify: FastifyInstance): { onRoute: unknown; parsers: unknown } {
  const onRoute = (field(fastify, 'fastify.hooks') as { onRoute?: unknown } | undefined)?.onRoute
  const parsers = (field(fastify, 'fastify.contentTypeParser') as { customParsers?: unknown } | undefined)?.customParsers
  return { onRoute, parsers }
}

function stateOf (fastify: FastifyInstance): ScopeState | undefined {
  const { onRoute, parsers } = scopeFields(fastify)
  if (!Array.isArray(onRoute) || !(parsers instanceof Map)) return undefined
  return { onRoute: onRoute.length, parsers: [...parsers.keys(), ...parsers.values()] }
}

/** Whether `fastify` still has the state a group was made with (read without copying it: once per route). */
function stillIn (state: ScopeState | undefined, fastify: FastifyInstance): boolean {
  const { onRoute, parsers } = scopeFields(fastify)
  if (state === undefined || !Array.isArray(onRoute) || !(parsers instanceof Map)) return false
  if (onRoute.length !== state.onRoute || parsers.size * 2 !== state.parsers.length) return false
  let i = 0
  for (const key of parsers.keys()) if (key !== state.parsers[i++]) return false
  for (const value of parsers.values()) if (value !== state.parsers[i++]) return false
  return true
}

/**
 * Runs `add` with the context shared by the routes of `kind` registered in `fastify` with
 * these register options; makes the context (with `setup`) when there is none to share.
 */
export function addToGroup (fastify: FastifyInstance, options: FastifyPluginOptions, kind: string, setup: (context: FastifyInstance) => void, add: Add): void {
  const { prefix, logLevel, logSerializers } = options as { prefix?: unknown; logLevel?: unknown; logSerializers?: unknown }
  let byKey = groups.get(fastify)
  if (byKey === undefined) groups.set(fastify, byKey = new Map())
  // Register options a context takes; log serializers are objects, so never shared.
  const key = `${kind}\0${String(prefix ?? '')}\0${String(logLevel ?? '')}`
  const group = byKey.get(key)
  if (group !== undefined && logSerializers === undefined && stillIn(group.state, fastify)) {
    if (group.child !== undefined) add(group.child)
    else group.pending.push(add)
    return
  }
  const fresh: Group = { state: stateOf(fastify), child: undefined, pending: [add] }
  byKey.set(key, fresh)
  const routes = async function routecraftRoutes (child: FastifyInstance): Promise<void> {
    setup(child)
    fresh.child = child
    const pending = fresh.pending
    fresh.pending = []
    for (const each of pending) each(child)
  }
  Object.defineProperty(routes, Symbol.for('fastify.display-name'), { value: 'routecraft routes' })
  const registerOptions: FastifyPluginOptions = {}
  if (prefix !== undefined) registerOptions.prefix = prefix
  if (logLevel !== undefined) registerOptions.logLevel = logLevel
  if (logSerializers !== undefined) registerOptions.logSerializers = logSerializers
  void fastify.register(routes, registerOptions)
}
