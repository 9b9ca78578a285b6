/**
 * Which operations a server has, whatever the order in which `openapi()` and the routes were
 * registered: route plugins record themselves here, keyed by the server they run on (every
 * encapsulated context of one Fastify app shares `fastify.server`), and the document is built
 * from this list. So a route registered before `openapi()` is never silently missing.
 */
import type { TSchema } from '@sinclair/typebox'
import type { Operation } from '../declare/operation.js'
import type { SecurityRequirement } from '../declare/types.js'

/** One documented (or hidden) operation as registered. */
export interface RegistryEntry {
  readonly op: Operation
  /** The OpenAPI path, prefix included (`/v1/items/{id}`), or the webhook's name. */
  readonly path: string
  /** Request parts merged with the dependencies' (what is validated and documented). */
  readonly inputs: { readonly params?: TSchema; readonly query?: TSchema; readonly headers?: TSchema; readonly cookies?: TSchema }
  readonly security: readonly SecurityRequirement[]
}

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

/** `/items/:id` → `/items/{id}`. */
export function toOpenApiPath (url: string): string {
  return url.replace(/:([A-Za-z_$][\w$]*)(\([^)]*\))?/g, '{$1}')
}
