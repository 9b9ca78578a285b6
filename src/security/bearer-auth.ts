/**
 * bearerAuth(): an HTTP Bearer token as a dependency (FastAPI's `HTTPBearer`), built on
 * {@link securityScheme}. It reads the token and documents the scheme; checking the token is
 * the job of a dependency that uses it.
 */
import { routecraftError } from '../errors.js'
import { guardDeclaration } from '../declare/json.js'
import { HttpError } from '../responses/http-error.js'
import { securityScheme, splitAuthorization } from './scheme.js'
import { checkAuthOptions, describedBy, type CommonAuthOptions } from './options.js'
import type { Dependency } from '../declare/types.js'

/** A bearer token as sent (FastAPI's `HTTPAuthorizationCredentials`). */
export interface BearerCredentials {
  /** The scheme as the client wrote it: `Bearer` in any case. */
  readonly scheme: string
  /** The token, trimmed. */
  readonly credentials: string
}

/** The options of {@link bearerAuth}. */
export interface BearerAuthOptions extends CommonAuthOptions {
  /** A hint documented as the scheme's `bearerFormat`, e.g. `JWT`. */
  bearerFormat?: string
  /** `false`: a request without a bearer token resolves to `undefined` instead of a 401. */
  autoError?: boolean
  /** The name under `components.securitySchemes` (default `HTTPBearer`). */
  schemeName?: string
}

/**
 * HTTP Bearer authentication as a dependency yielding `{ scheme, credentials }`. A missing
 * `Authorization` header, another scheme, or an empty token answers 401
 * `{"detail":"Not authenticated"}` with `WWW-Authenticate: Bearer` (FastAPI 0.141; FastAPI
 * before 0.118 answered 403 for those); `autoError: false` gives `undefined` instead.
 * Documented as `components.securitySchemes.HTTPBearer = { type: 'http', scheme: 'bearer' }`.
 *
 * @example
 * ```ts
 * const bearer = bearerAuth({ bearerFormat: 'JWT' })
 * const currentUser = dependency({ deps: { token: bearer }, resolve: ({ deps }) => {
 *   const user = sessions.get(deps.token.credentials)
 *   if (user === undefined) throw new HttpError(401, 'Invalid token', { 'WWW-Authenticate': 'Bearer' })
 *   return user
 * } })
 * ```
 */
export function bearerAuth (options?: BearerAuthOptions & { autoError?: true }): Dependency<BearerCredentials>
export function bearerAuth (options: BearerAuthOptions & { autoError: false }): Dependency<BearerCredentials | undefined>
export function bearerAuth (options: BearerAuthOptions = {}): Dependency<BearerCredentials | undefined> {
  return guardDeclaration('bearerAuth()', () => {
    const { bearerFormat, autoError, schemeName, description } = checkAuthOptions(options, ['bearerFormat'], 'bearerAuth', 'HTTPBearer')
    if (bearerFormat !== undefined && typeof bearerFormat !== 'string') throw routecraftError('RC_ERR_AUTH_OPTION', 'bearerFormat')
    return securityScheme<BearerCredentials | undefined>({
      schemeName,
      scheme: { type: 'http', scheme: 'bearer', ...(bearerFormat === undefined ? {} : { bearerFormat }), ...describedBy(description) },
      resolve: authorization => {
        const [scheme, credentials] = splitAuthorization(authorization)
        if (scheme !== '' && credentials !== '' && scheme.toLowerCase() === 'bearer') return { scheme, credentials }
        if (!autoError) return undefined
        throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' })
      },
    })
  })
}
