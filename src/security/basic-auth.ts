/**
 * basicAuth(): HTTP Basic authentication as a dependency (FastAPI's `HTTPBasic`), built on
 * `securityScheme()`: one object carries the runtime check and the OpenAPI security scheme.
 */
import { routecraftError } from '../errors.js'
import { guardDeclaration } from '../declare/json.js'
import { HttpError } from '../responses/http-error.js'
import { securityScheme } from './scheme.js'
import { checkAuthOptions, describedBy } from './options.js'
import { parseBasicAuthorization } from './credentials.js'
import type { Dependency } from '../declare/types.js'

/** The credentials a Basic header carried (FastAPI's `HTTPBasicCredentials`). */
export interface BasicCredentials {
  readonly username: string
  readonly password: string
}

/** The options of {@link basicAuth}. */
export interface BasicAuthOptions {
  /** Sent as `WWW-Authenticate: Basic realm="…"`. */
  realm?: string
  /** `false`: a request without credentials resolves to `undefined` instead of a 401. */
  autoError?: boolean
  /** The name under `components.securitySchemes` (default `HTTPBasic`). */
  schemeName?: string
  /** The scheme's description in the document. */
  description?: string
}

/**
 * HTTP Basic auth (RFC 7617) as a dependency yielding `{ username, password }`. Missing or
 * malformed credentials answer 401 `{"detail":"Not authenticated"}` with `WWW-Authenticate:
 * Basic` (and the realm when set) — never a 500. Credentials are decoded as UTF-8.
 * Documented automatically as `components.securitySchemes.HTTPBasic` and the operation's
 * `security`.
 *
 * @example
 * ```ts
 * const security = basicAuth({ realm: 'shop' })
 * app.register(route({ method: 'GET', url: '/users/me', deps: { credentials: security },
 *   handler: ({ deps }) => ({ username: deps.credentials.username }) }))
 * ```
 */
export function basicAuth (options?: BasicAuthOptions & { autoError?: true }): Dependency<BasicCredentials>
export function basicAuth (options: BasicAuthOptions & { autoError: false }): Dependency<BasicCredentials | undefined>
export function basicAuth (options: BasicAuthOptions = {}): Dependency<BasicCredentials | undefined> {
  return guardDeclaration('basicAuth()', () => {
    const { realm, autoError, schemeName, description } = checkAuthOptions(options, ['realm'], 'basicAuth', 'HTTPBasic')
    if (realm !== undefined && (typeof realm !== 'string' || !/^[\x20-\x7e]*$/.test(realm))) {
      throw routecraftError('RC_ERR_AUTH_OPTION', 'realm')
    }
    const challenge = realm === undefined ? 'Basic' : `Basic realm="${realm.replace(/["\\]/g, '\\$&')}"`
    return securityScheme<BasicCredentials | undefined>({
      schemeName,
      scheme: { type: 'http', scheme: 'basic', ...describedBy(description) },
      resolve: authorization => {
        const parsed = parseBasicAuthorization(authorization)
        if (parsed.kind === 'ok') return { username: parsed.username, password: parsed.password }
        if (parsed.kind === 'missing' && !autoError) return undefined
        throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': challenge })
      },
    })
  })
}
