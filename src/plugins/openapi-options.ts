/**
 * The options of openapi(): their types, and the check that refuses what cannot work when
 * openapi() is called, never at the first request for the docs.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger'
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui'
import { routecraftError } from '../errors.js'
import { isRecord, keySet, unknownKey } from '../common/objects.js'
import type { OperationIdStrategy } from '../openapi/ids.js'
import { isDependency } from '../declare/dependency.js'
import type { Dependency } from '../declare/types.js'
import { snapshotJson } from '../declare/json.js'

/** The options of {@link openapi}. */
export interface OpenApiOptions {
  /** The document's `info` (default `{ title: 'routecraft', version: '0.1.0' }`). */
  info?: { title: string; version: string; description?: string; summary?: string; termsOfService?: string; contact?: { name?: string; url?: string; email?: string }; license?: { name: string; url?: string } }
  servers?: Array<{ url: string; description?: string }>
  tags?: Array<{ name: string; description?: string; externalDocs?: { url: string; description?: string } }>
  /** Where the document is served (default `/openapi.json`); `false` serves none. */
  specPath?: string | false
  /** Where Swagger UI is served (default `/docs`); `false` serves none. */
  docsPath?: string | false
  /** `'default'` (FastAPI's `generate_unique_id`), `'name'` (route names), or a function. */
  operationIds?: OperationIdStrategy
  /** A dependency (e.g. `basicAuth()`) every request to the docs and the document must pass. */
  protect?: Dependency<unknown>
  /** Install FastAPI's 404 `{"detail":"Not Found"}` (default `true`). */
  notFound?: boolean
  /**
   * Passed through to @fastify/swagger: `openapi` (merged under `info`, `servers` and `tags`;
   * the version stays 3.1.0), `hideUntagged`, `hiddenTag`, `exposeHeadRoutes`,
   * `stripBasePath`, `convertConstToEnum`, `transform` (for the app's other routes) and
   * `transformObject` (run after routecraft has built the document). Not allowed when the
   * app registered @fastify/swagger itself: configure that registration instead.
   */
  swagger?: SwaggerPassThrough
  /**
   * Passed through to @fastify/swagger-ui: `uiConfig` (over routecraft's `deepLinking`,
   * `showExtensions`, `showCommonExtensions`), `initOAuth`, `theme`, `logo`, `staticCSP`,
   * `transformStaticCSP`, `transformSpecification`, `uiHooks` (after `protect`), `indexPrefix`,
   * `baseDir`. The docs' path is `docsPath`.
   */
  swaggerUi?: SwaggerUiPassThrough
}

/** The @fastify/swagger options {@link openapi} passes through. */
export type SwaggerPassThrough = Omit<FastifyDynamicSwaggerOptions, 'mode' | 'swagger' | 'decorator' | 'refResolver'>
/** The @fastify/swagger-ui options {@link openapi} passes through. */
export type SwaggerUiPassThrough = Omit<FastifySwaggerUiOptions, 'routePrefix' | 'prefix'>

// Every option of OpenApiOptions, checked by the compiler against the type.
const KEYS = keySet<OpenApiOptions>({
  info: true, servers: true, tags: true, specPath: true, docsPath: true, operationIds: true, protect: true, notFound: true, swagger: true, swaggerUi: true,
})
const SWAGGER_KEYS = new Set(['openapi', 'hideUntagged', 'hiddenTag', 'exposeHeadRoutes', 'stripBasePath', 'convertConstToEnum', 'transform', 'transformObject'])

function checkPath (value: unknown, option: string): string | false {
  if (value === false) return false
  if (typeof value !== 'string' || !value.startsWith('/') || value.length < 2) {
    throw routecraftError('RC_ERR_OPENAPI_OPTION', 'path', { option })
  }
  return value
}

/** The document pieces of the options, copied once (later changes to the app's objects change nothing). */
export type DocumentPieces = Pick<OpenApiOptions, 'info' | 'servers' | 'tags'> & { extra: SwaggerPassThrough['openapi'] }

function checkPieces (options: OpenApiOptions): DocumentPieces {
  const piece = <T>(value: T, option: string): T => value === undefined ? value : snapshotJson(value, `openapi(): ${option}`)
  const info = piece(options.info, 'info')
  if (info !== undefined && (typeof info?.title !== 'string' || typeof info?.version !== 'string')) {
    throw routecraftError('RC_ERR_OPENAPI_OPTION', 'info')
  }
  const servers = piece(options.servers, 'servers')
  if (servers !== undefined && (!Array.isArray(servers) || !servers.every(s => typeof s?.url === 'string'))) {
    throw routecraftError('RC_ERR_OPENAPI_OPTION', 'servers')
  }
  const tags = piece(options.tags, 'tags')
  if (tags !== undefined && (!Array.isArray(tags) || !tags.every(t => typeof t?.name === 'string'))) {
    throw routecraftError('RC_ERR_OPENAPI_OPTION', 'tags')
  }
  const extra = piece((options.swagger as Record<string, unknown> | undefined)?.openapi as SwaggerPassThrough['openapi'], 'swagger.openapi')
  if (extra !== undefined && !isRecord(extra)) throw routecraftError('RC_ERR_OPENAPI_OPTION', 'swaggerOpenapi')
  return { info, servers, tags, extra }
}

export function checkOptions (options: OpenApiOptions): Required<Pick<OpenApiOptions, 'operationIds' | 'notFound'>> & { specPath: string | false; docsPath: string | false; pieces: DocumentPieces } {
  if (typeof options !== 'object' || options === null) throw routecraftError('RC_ERR_OPENAPI_OPTION', 'options')
  const unknown = unknownKey(options, KEYS)
  if (unknown !== undefined) throw routecraftError('RC_ERR_OPENAPI_OPTION', 'unknown', { key: unknown, known: KEYS })
  const ids = options.operationIds ?? 'default'
  if (ids !== 'default' && ids !== 'name' && typeof ids !== 'function') {
    throw routecraftError('RC_ERR_OPENAPI_OPTION', 'operationIds')
  }
  if (options.protect !== undefined && !isDependency(options.protect)) {
    throw routecraftError('RC_ERR_OPENAPI_OPTION', 'protect')
  }
  if (options.notFound !== undefined && typeof options.notFound !== 'boolean') {
    throw routecraftError('RC_ERR_OPENAPI_OPTION', 'notFound')
  }
  checkPassThrough(options.swagger, 'swagger', SWAGGER_KEYS)
  const pieces = checkPieces(options)
  checkPassThrough(options.swaggerUi, 'swaggerUi', undefined)
  if (options.swaggerUi !== undefined && ('routePrefix' in options.swaggerUi || 'prefix' in options.swaggerUi)) {
    throw routecraftError('RC_ERR_OPENAPI_OPTION', 'uiPrefix')
  }
  const specPath = checkPath(options.specPath ?? '/openapi.json', 'specPath')
  const docsPath = checkPath(options.docsPath ?? '/docs', 'docsPath')
  if (specPath !== false && docsPath !== false && (specPath === docsPath || specPath.startsWith(docsPath + '/'))) {
    throw routecraftError('RC_ERR_OPENAPI_OPTION', 'clash', { specPath, docsPath })
  }
  return { operationIds: ids, notFound: options.notFound ?? true, specPath, docsPath, pieces }
}

function checkPassThrough (value: unknown, option: string, known: ReadonlySet<string> | undefined): void {
  if (value === undefined) return
  if (!isRecord(value)) {
    throw routecraftError('RC_ERR_OPENAPI_OPTION', 'nested', { option })
  }
  const unknown = known === undefined ? undefined : unknownKey(value, known)
  if (unknown !== undefined) throw routecraftError('RC_ERR_OPENAPI_OPTION', 'unknownNested', { option, key: unknown, known })
}
