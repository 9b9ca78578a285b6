/**
 * apiKeyAuth(): an API key in a header, a query parameter or a cookie as a dependency
 * (FastAPI's `APIKeyHeader`, `APIKeyQuery`, `APIKeyCookie`), built on {@link securityScheme}.
 * It reads the key and documents the scheme; checking the key is the job of a dependency
 * that uses it.
 */
import { routecraftError } from '../errors.js'
import { guardDeclaration } from '../declare/json.js'
import { HttpError } from '../responses/http-error.js'
import { securityScheme } from './scheme.js'
import { checkAuthOptions, describedBy, type CommonAuthOptions } from './options.js'
import type { Dependency } from '../declare/types.js'

/** The options of {@link apiKeyAuth}. */
export interface ApiKeyAuthOptions extends CommonAuthOptions {
  /** Where the key is sent. */
  in: 'header' | 'query' | 'cookie'
  /** The header, query parameter or cookie that carries it (`x-api-key`, `api_key`, …). */
  name: string
  /** `false`: a request without the key resolves to `undefined` instead of a 401. */
  autoError?: boolean
  /** The name under `components.securitySchemes` (default `APIKeyHeader`, `APIKeyQuery` or `APIKeyCookie`). */
  schemeName?: string
}

const DEFAULT_NAMES = { header: 'APIKeyHeader', query: 'APIKeyQuery', cookie: 'APIKeyCookie' } as const

/**
 * API-key authentication as a dependency yielding the key string. A missing or empty key
 * answers 401 `{"detail":"Not authenticated"}` with `WWW-Authenticate: APIKey` (FastAPI 0.141;
 * before 0.118 FastAPI answered 403 `Not authenticated`); `autoError: false` gives `undefined`.
 * Documented as `components.securitySchemes.APIKeyHeader = { type: 'apiKey', in: 'header', name }`
 * (no parameter is added to the operation, as in FastAPI). A header name is matched in any case.
 *
 * @example
 * ```ts
 * const apiKey = apiKeyAuth({ in: 'header', name: 'x-api-key' })
 * const client = dependency({ deps: { key: apiKey }, resolve: ({ deps }) => {
 *   if (!safeCompare(deps.key, process.env.API_KEY ?? '')) throw new HttpError(401, 'Invalid API key', { 'WWW-Authenticate': 'APIKey' })
 *   return 'partner'
 * } })
 * ```
 */
export function apiKeyAuth (options: ApiKeyAuthOptions & { autoError?: true }): Dependency<string>
export function apiKeyAuth (options: ApiKeyAuthOptions & { autoError: false }): Dependency<string | undefined>
export function apiKeyAuth (options: ApiKeyAuthOptions): Dependency<string | undefined> {
  return guardDeclaration('apiKeyAuth()', () => {
    const where = (options as ApiKeyAuthOptions | undefined)?.in
    if (where !== 'header' && where !== 'query' && where !== 'cookie') {
      throw routecraftError('RC_ERR_AUTH_OPTION', 'apiKeyIn')
    }
    const { name, autoError, schemeName, description } = checkAuthOptions(options, ['in', 'name'], 'apiKeyAuth', DEFAULT_NAMES[where])
    if (typeof name !== 'string' || name === '') throw routecraftError('RC_ERR_AUTH_OPTION', 'apiKeyName', { in: where })
    return securityScheme<string | undefined>({
      schemeName,
      scheme: { type: 'apiKey', in: where, name, ...describedBy(description) },
      resolve: key => {
        if (key !== undefined) return key
        if (!autoError) return undefined
        throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'APIKey' })
      },
    })
  })
}
