/**
 * Which operations a server has, whatever the order in which `openapi()` and the routes were
 * registered: route plugins record themselves here, keyed by the server they run on (every
 * encapsulated context of one Fastify app shares `fastify.server`), and the document is built
 * from this list. So a route registered before `openapi()` is never silently missing.
 */
import type { Operation, RegistryEntry } from '../declare/types.js'
import { kOperation } from '../symbols.js'

export type { RegistryEntry }

const registries = new WeakMap<object, RegistryEntry[]>()

/** The entries of the server `key` (created empty on first use). */
export function registryFor (key: object): RegistryEntry[] {
  let list = registries.get(key)
  if (list === undefined) {
    list = []
    registries.set(key, list)
  }
  return list
}

/**
 * Marks a route or webhook plugin: its Operation (for the testing client and openapi()), and
 * its name, which Fastify would otherwise derive by scanning require.cache, once per plugin at
 * start-up.
 */
export function markPlugin (plugin: object, op: Operation, name: string): void {
  Object.defineProperty(plugin, kOperation, { value: op })
  Object.defineProperty(plugin, 'name', { value: name })
  Object.defineProperty(plugin, Symbol.for('fastify.display-name'), { value: name })
}
