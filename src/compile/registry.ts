/**
 * Which operations a server has, whatever the order in which `openapi()` and the routes were
 * registered: route plugins record themselves here, keyed by the server they run on (every
 * encapsulated context of one Fastify app shares `fastify.server`), and the document is built
 * from this list. So a route registered before `openapi()` is never silently missing.
 */
import type { RegistryEntry } from '../declare/types.js'

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
