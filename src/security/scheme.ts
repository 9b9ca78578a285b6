/**
 * securityScheme(): any OpenAPI security scheme as a dependency (FastAPI's `SecurityBase`
 * family). One declaration carries the scheme object documented under
 * `components.securitySchemes`, the operation's `security` requirement, and a resolver that
 * receives the raw credentials the scheme names. `basicAuth()`, `bearerAuth()` and
 * `apiKeyAuth()` are built on it; users build OAuth2 and OpenID Connect guards the same way.
 *
 * Where the credentials come from follows from the scheme, as in FastAPI: an `apiKey` scheme
 * reads its header, query parameter or cookie; every other type (`http`, `oauth2`,
 * `openIdConnect`) reads the `Authorization` header. No Fastify import: the request is only
 * read through the dependency context.
 */
import { routecraftError } from '../errors.js'
import { guardDeclaration, snapshotJson } from '../declare/json.js'
import { isRecord, keySet, unknownKey } from '../common/objects.js'
import { HTTP_TOKEN } from '../common/http.js'
import { createDependency, isAsyncGeneratorFunction, isGeneratorFunction } from '../declare/dependency.js'
import type { Dependency, DependencyContext, DependencyValue, SecurityRequirement } from '../declare/types.js'

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** One OAuth2 flow (OpenAPI's OAuth Flow Object); `scopes` defaults to `{}` as in FastAPI. */
export interface OAuthFlow {
  authorizationUrl?: string
  tokenUrl?: string
  refreshUrl?: string
  /** Scope name → description. */
  scopes?: Record<string, string>
}

/** The OAuth2 flows a scheme supports (OpenAPI's OAuth Flows Object). */
export interface OAuthFlows {
  implicit?: OAuthFlow & { authorizationUrl: string }
  password?: OAuthFlow & { tokenUrl: string }
  clientCredentials?: OAuthFlow & { tokenUrl: string }
  authorizationCode?: OAuthFlow & { authorizationUrl: string; tokenUrl: string }
}

/** An OpenAPI Security Scheme Object, as it appears under `components.securitySchemes`. */
export type SecuritySchemeObject =
  | { type: 'http'; scheme: string; bearerFormat?: string; description?: string }
  | { type: 'apiKey'; in: 'header' | 'query' | 'cookie'; name: string; description?: string }
  | { type: 'oauth2'; flows: OAuthFlows; description?: string }
  | { type: 'openIdConnect'; openIdConnectUrl: string; description?: string }

/** The context a security resolver receives: the dependency context of the request. */
export type SecurityContext = DependencyContext<undefined, undefined, undefined, undefined, Record<never, never>>

/** What {@link securityScheme} takes. */
export interface SecuritySchemeDeclaration<T> {
  /** The key under `components.securitySchemes` and in the operation's `security`. */
  schemeName: string
  /** The scheme object, documented as given (a flow without `scopes` gets `scopes: {}`). */
  scheme: SecuritySchemeObject
  /** The scopes the operation requires (OAuth2 / OpenID Connect); merged per scheme name. */
  scopes?: readonly string[]
  /**
   * Turns the raw credentials into the dependency's value: the `Authorization` header, or the
   * API key, exactly as sent (`undefined` when absent or empty). Throw an `HttpError` to refuse.
   * Written as a `function*` or `async function*`, it has teardown as a dependency's resolve
   * does: the first yield is the value, the rest runs after the response.
   */
  resolve: (credentials: string | undefined, ctx: SecurityContext) => T | Promise<T>
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

// Every option of SecuritySchemeDeclaration, checked by the compiler against the type.
const KEYS = keySet<SecuritySchemeDeclaration<unknown>>({ schemeName: true, scheme: true, scopes: true, resolve: true })
const SCHEME_NAME = /^[\w.-]+$/
const FLOW_URLS: Record<keyof OAuthFlows, readonly string[]> = {
  implicit: ['authorizationUrl'],
  password: ['tokenUrl'],
  clientCredentials: ['tokenUrl'],
  authorizationCode: ['authorizationUrl', 'tokenUrl'],
}

function checkStrings (value: unknown, keys: readonly string[], where: string, what: string): void {
  for (const key of keys) {
    if (typeof (value as Record<string, unknown>)[key] !== 'string') throw routecraftError('RC_ERR_AUTH_OPTION', 'schemeString', { where, option: `${what}.${key}` })
  }
}

function checkFlows (flows: unknown, where: string): Record<string, unknown> {
  if (!isRecord(flows) || Object.keys(flows).length === 0) throw routecraftError('RC_ERR_AUTH_OPTION', 'flows', { where })
  const out: Record<string, unknown> = {}
  for (const [name, flow] of Object.entries(flows)) {
    const required = FLOW_URLS[name as keyof OAuthFlows] as readonly string[] | undefined
    if (required === undefined || !Object.hasOwn(FLOW_URLS, name)) throw routecraftError('RC_ERR_AUTH_OPTION', 'flow', { where, name, known: Object.keys(FLOW_URLS) })
    if (!isRecord(flow)) throw routecraftError('RC_ERR_AUTH_OPTION', 'flowObject', { where, name })
    checkStrings(flow, required, where, `flows.${name}`)
    for (const key of ['authorizationUrl', 'tokenUrl', 'refreshUrl']) {
      if (flow[key] !== undefined && typeof flow[key] !== 'string') throw routecraftError('RC_ERR_AUTH_OPTION', 'schemeString', { where, option: `flows.${name}.${key}` })
    }
    const scopes = flow.scopes ?? {}
    if (!isRecord(scopes) || Object.values(scopes).some(d => typeof d !== 'string')) throw routecraftError('RC_ERR_AUTH_OPTION', 'flowScopes', { where, name })
    out[name] = { ...flow, scopes: { ...scopes } }
  }
  return out
}

/** The scheme object to document: checked, copied, frozen. */
function checkScheme (declared: unknown, where: string): SecuritySchemeObject {
  // Read once: extensions (`x-…`) and later changes to the app's object cannot reach the document.
  const scheme = isRecord(declared) ? snapshotJson(declared, `${where}: scheme`) : declared
  if (!isRecord(scheme)) throw routecraftError('RC_ERR_AUTH_OPTION', 'scheme', { where })
  if (scheme.description !== undefined && typeof scheme.description !== 'string') throw routecraftError('RC_ERR_AUTH_OPTION', 'schemeString', { where, option: 'scheme.description' })
  const copy: Record<string, unknown> = { ...scheme }
  switch (scheme.type) {
    case 'http':
      if (typeof scheme.scheme !== 'string' || !HTTP_TOKEN.test(scheme.scheme)) throw routecraftError('RC_ERR_AUTH_OPTION', 'httpScheme', { where })
      if (scheme.bearerFormat !== undefined && typeof scheme.bearerFormat !== 'string') throw routecraftError('RC_ERR_AUTH_OPTION', 'schemeString', { where, option: 'scheme.bearerFormat' })
      break
    case 'apiKey':
      if (scheme.in !== 'header' && scheme.in !== 'query' && scheme.in !== 'cookie') throw routecraftError('RC_ERR_AUTH_OPTION', 'apiKeySchemeIn', { where })
      if (typeof scheme.name !== 'string' || scheme.name === '' || (scheme.in === 'header' && !HTTP_TOKEN.test(scheme.name))) {
        throw routecraftError('RC_ERR_AUTH_OPTION', 'apiKeySchemeName', { where, in: scheme.in, header: scheme.in === 'header' ? ', a valid header name' : '' })
      }
      break
    case 'oauth2':
      copy.flows = checkFlows(scheme.flows, where)
      break
    case 'openIdConnect':
      checkStrings(scheme, ['openIdConnectUrl'], where, 'scheme')
      break
    default:
      throw routecraftError('RC_ERR_AUTH_OPTION', 'schemeType', { where, type: scheme.type })
  }
  // (The copy has no undefined values: snapshotJson leaves them out.)
  return Object.freeze(copy) as SecuritySchemeObject
}

// ---------------------------------------------------------------------------------------------
// Reading credentials
// ---------------------------------------------------------------------------------------------

type Reader = (ctx: SecurityContext) => string | undefined

function nonEmpty (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function readerFor (scheme: SecuritySchemeObject): Reader {
  if (scheme.type !== 'apiKey') return ctx => nonEmpty(ctx.request.headers.authorization)
  const name = scheme.name
  if (scheme.in === 'header') {
    const lower = name.toLowerCase()
    // Node joins a repeated header with ", " (Starlette takes the first): such a value is never
    // a valid key, so the guard fails closed.
    return ctx => nonEmpty(ctx.request.headers[lower])
  }
  if (scheme.in === 'query') {
    return ctx => {
      // A repeated parameter: the last, as Starlette's `query_params.get`.
      const value = (ctx.request.query as Record<string, unknown>)[name]
      return nonEmpty(Array.isArray(value) ? value[value.length - 1] : value)
    }
  }
  return ctx => nonEmpty(ctx.cookies[name])
}

// ---------------------------------------------------------------------------------------------
// Factory
// ---------------------------------------------------------------------------------------------

/**
 * Declares any OpenAPI security scheme as a dependency: documented under
 * `components.securitySchemes[schemeName]` and in the `security` of every operation that uses
 * it; at request time `resolve` receives the raw credentials (the `Authorization` header, or
 * the API key for an `apiKey` scheme; `undefined` when absent or empty) and the dependency
 * context, and returns the dependency's value or throws an `HttpError`.
 *
 * @example
 * ```ts
 * // FastAPI's OAuth2PasswordBearer(tokenUrl="token", scopes={"me": "Read your profile"})
 * const token = securityScheme({
 *   schemeName: 'OAuth2PasswordBearer',
 *   scheme: { type: 'oauth2', flows: { password: { tokenUrl: 'token', scopes: { me: 'Read your profile' } } } },
 *   scopes: ['me'],
 *   resolve: (authorization) => {
 *     const [scheme, param] = splitAuthorization(authorization)
 *     if (scheme.toLowerCase() !== 'bearer' || param === '') {
 *       throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' })
 *     }
 *     return param
 *   },
 * })
 * ```
 */
export function securityScheme<T> (decl: SecuritySchemeDeclaration<T>): Dependency<DependencyValue<T>> {
  return guardDeclaration('securityScheme()', () => {
    if (!isRecord(decl)) throw routecraftError('RC_ERR_AUTH_OPTION', 'declaration')
    const where = `securityScheme ${typeof decl.schemeName === 'string' ? decl.schemeName : '(unnamed)'}`
    const unknown = unknownKey(decl, KEYS)
    if (unknown !== undefined) throw routecraftError('RC_ERR_AUTH_OPTION', 'unknown', { where, key: unknown, known: KEYS })
    if (typeof decl.schemeName !== 'string' || !SCHEME_NAME.test(decl.schemeName)) throw routecraftError('RC_ERR_AUTH_OPTION', 'schemeName', { where })
    const scheme = checkScheme(decl.scheme, where)
    const scopes = decl.scopes ?? []
    if (!Array.isArray(scopes) || scopes.some(s => typeof s !== 'string')) throw routecraftError('RC_ERR_AUTH_OPTION', 'scopes', { where })
    if (typeof decl.resolve !== 'function') throw routecraftError('RC_ERR_AUTH_OPTION', 'resolve', { where })
    const resolve = decl.resolve
    const read = readerFor(scheme)
    const security: SecurityRequirement = Object.freeze({ schemeName: decl.schemeName, scheme, scopes: Object.freeze([...scopes]) })
    // A resolve written as an (async) generator has teardown, as a dependency's does: the
    // wrapper is one of the same kind (a plain `function*` stays synchronous), and delegates
    // the yield, the handler's error and the rest.
    const wrapped = isAsyncGeneratorFunction(resolve)
      ? async function * (ctx: SecurityContext) { return yield * (resolve(read(ctx), ctx) as unknown as AsyncGenerator<T>) }
      : isGeneratorFunction(resolve)
        ? function * (ctx: SecurityContext) { return yield * (resolve(read(ctx), ctx) as unknown as Generator<T>) }
        : (ctx: SecurityContext) => resolve(read(ctx), ctx)
    return createDependency<T>({ name: decl.schemeName, resolve: wrapped } as never, security) as Dependency<DependencyValue<T>>
  })
}

/**
 * Splits an `Authorization` header value at its first space into scheme and parameter, the
 * parameter trimmed (FastAPI's `get_authorization_scheme_param`); `['', '']` when absent.
 *
 * @example
 * ```ts
 * splitAuthorization('Bearer abc ') // ['Bearer', 'abc']
 * splitAuthorization(undefined)     // ['', '']
 * ```
 */
export function splitAuthorization (value: string | undefined): [scheme: string, param: string] {
  if (value === undefined || value === '') return ['', '']
  const space = value.indexOf(' ')
  if (space === -1) return [value, '']
  return [value.slice(0, space), value.slice(space + 1).trim()]
}
