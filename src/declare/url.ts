/**
 * Paths: a route's url in Fastify's form with its path parameters, and back in OpenAPI's form.
 */
import { routecraftError } from '../errors.js'

/** `{id}` → `:id`; the path parameter names in order. */
export function normalizeUrl (url: unknown, where: string): { url: string; pathParams: string[] } {
  if (typeof url !== 'string' || !url.startsWith('/')) {
    throw routecraftError('RC_ERR_ROUTE_URL', 'start', { where, url })
  }
  const fastifyUrl = url.replace(/\{([^}/]+)\}/g, (_m, name: string) => `:${name}`)
  const pathParams: string[] = []
  for (const m of fastifyUrl.matchAll(/:([A-Za-z_$][\w$]*)/g)) {
    const name = m[1] as string
    if (pathParams.includes(name)) throw routecraftError('RC_ERR_ROUTE_PATH_PARAM', 'twice', { where, name })
    pathParams.push(name)
  }
  if (/[{}]/.test(fastifyUrl)) throw routecraftError('RC_ERR_ROUTE_URL', 'braces', { where, url })
  return { url: fastifyUrl, pathParams }
}

/** `/items/:id` → `/items/{id}`. */
export function toOpenApiPath (url: string): string {
  return url.replace(/:([A-Za-z_$][\w$]*)(\([^)]*\))?/g, '{$1}')
}
