/**
 * basicAuth(): HTTP Basic authentication as a dependency (FastAPI's `HTTPBasic`): one object
 * carries the runtime check and the OpenAPI security scheme.
 */
import { RoutecraftError } from '../errors.js'
import { HttpError } from '../responses/http-error.js'
import { createDependency } from '../declare/dependency.js'
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

const KEYS = new Set(['realm', 'autoError', 'schemeName', 'description'])

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
  if (typeof options !== 'object' || options === null) throw new RoutecraftError('RC_ERR_AUTH_OPTION', 'basicAuth() takes an options object')
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) throw new RoutecraftError('RC_ERR_AUTH_OPTION', `basicAuth(): unknown option "${key}"; known options: ${[...KEYS].join(', ')}`)
  }
  const { realm, autoError = true, schemeName = 'HTTPBasic', description } = options
  if (realm !== undefined && (typeof realm !== 'string' || !/^[\x20-\x7e]*$/.test(realm))) {
    throw new RoutecraftError('RC_ERR_AUTH_OPTION', 'basicAuth(): realm must be a string of printable ASCII characters')
  }
  if (typeof autoError !== 'boolean') throw new RoutecraftError('RC_ERR_AUTH_OPTION', 'basicAuth(): autoError must be a boolean')
  if (typeof schemeName !== 'string' || !/^[\w.-]+$/.test(schemeName)) {
    throw new RoutecraftError('RC_ERR_AUTH_OPTION', 'basicAuth(): schemeName must be a non-empty string of letters, digits, _ . -')
  }
  if (description !== undefined && typeof description !== 'string') throw new RoutecraftError('RC_ERR_AUTH_OPTION', 'basicAuth(): description must be a string')

  const challenge = realm === undefined ? 'Basic' : `Basic realm="${realm.replace(/["\\]/g, '\\$&')}"`
  const unauthorized = (): HttpError => new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': challenge })
  return createDependency<BasicCredentials | undefined>({
    name: 'basic_auth',
    resolve: ({ request }) => {
      const parsed = parseBasicAuthorization(request.headers.authorization)
      if (parsed.kind === 'ok') return { username: parsed.username, password: parsed.password }
      if (parsed.kind === 'missing' && !autoError) return undefined
      throw unauthorized()
    },
  }, {
    schemeName,
    scheme: { type: 'http', scheme: 'basic', ...(description === undefined ? {} : { description }) },
  })
}
