/**
 * The OpenAPI document an app serves, for tests that read it.
 */
import type { FastifyInstance } from 'fastify'

/** The document at `url` (openapi()'s default specPath), parsed; throws unless it answers 200. */
export async function documentOf (app: FastifyInstance, url = '/openapi.json'): Promise<Record<string, any>> {
  const res = await app.inject({ method: 'GET', url })
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`)
  return res.json()
}
