/**
 * openapi(): the app-level plugin. Registers @fastify/swagger (OpenAPI 3.1.0) with the merger
 * as its `transformObject`, @fastify/swagger-ui at `/docs`, serves `/openapi.json` and installs
 * FastAPI's 404. The document is built once, on its first request; what would break it
 * (duplicate operationIds, say) is checked at `ready()`, so that a broken document still stops
 * the app from starting instead of failing on first view. The swagger plugins load when
 * openapi() is registered and the document builder at `ready()`, not when routecraft is imported.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { RoutecraftError } from '../errors.js'
import { HttpError } from '../responses/http-error.js'
import { kOperation } from '../symbols.js'
import { checkOperationIds, checkSchemaIds, type OperationIds, type OperationIdStrategy } from '../openapi/ids.js'
import { registryFor } from '../compile/registry.js'
import { planDependencies, solveDependencies } from '../compile/deps.js'
import { Context } from '../compile/context.js'
import { routeErrorHandler } from '../compile/error-handler.js'
import { guarded, openTeardown } from '../compile/teardown.js'
import { isDependency } from '../declare/dependency.js'
import type { Dependency } from '../declare/types.js'

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
}

const KEYS = new Set(['info', 'servers', 'tags', 'specPath', 'docsPath', 'operationIds', 'protect', 'notFound'])

function checkPath (value: unknown, option: string): string | false {
  if (value === false) return false
  if (typeof value !== 'string' || !value.startsWith('/') || value.length < 2) {
    throw new RoutecraftError('RC_ERR_OPENAPI_OPTION', `openapi(): ${option} must be a path such as "/docs", or false`)
  }
  return value
}

function checkOptions (options: OpenApiOptions): Required<Pick<OpenApiOptions, 'operationIds' | 'notFound'>> & { specPath: string | false; docsPath: string | false } {
  if (typeof options !== 'object' || options === null) throw new RoutecraftError('RC_ERR_OPENAPI_OPTION', 'openapi() takes an options object')
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) throw new RoutecraftError('RC_ERR_OPENAPI_OPTION', `openapi(): unknown option "${key}"; known options: ${[...KEYS].join(', ')}`)
  }
  const ids = options.operationIds ?? 'default'
  if (ids !== 'default' && ids !== 'name' && typeof ids !== 'function') {
    throw new RoutecraftError('RC_ERR_OPENAPI_OPTION', 'openapi(): operationIds must be "default", "name" or a function')
  }
  if (options.protect !== undefined && !isDependency(options.protect)) {
    throw new RoutecraftError('RC_ERR_OPENAPI_OPTION', 'openapi(): protect must be a dependency, e.g. basicAuth()')
  }
  if (options.notFound !== undefined && typeof options.notFound !== 'boolean') {
    throw new RoutecraftError('RC_ERR_OPENAPI_OPTION', 'openapi(): notFound must be a boolean')
  }
  if (options.info !== undefined && (typeof options.info?.title !== 'string' || typeof options.info?.version !== 'string')) {
    throw new RoutecraftError('RC_ERR_OPENAPI_OPTION', 'openapi(): info needs a title and a version (strings)')
  }
  const specPath = checkPath(options.specPath ?? '/openapi.json', 'specPath')
  const docsPath = checkPath(options.docsPath ?? '/docs', 'docsPath')
  if (specPath !== false && docsPath !== false && (specPath === docsPath || specPath.startsWith(docsPath + '/'))) {
    throw new RoutecraftError('RC_ERR_OPENAPI_OPTION', `openapi(): specPath ${specPath} clashes with the docs under ${docsPath}`)
  }
  return { operationIds: ids, notFound: options.notFound ?? true, specPath, docsPath }
}

function protectHook (dep: Dependency<unknown>): onRequestAsyncHookHandler {
  const plan = planDependencies({ protect: dep }, 'openapi() protect')
  /* c8 ignore next -- a dependency map with one entry always has a plan */
  if (plan === undefined) throw new RoutecraftError('RC_ERR_OPENAPI_OPTION', 'openapi(): protect has nothing to solve')
  return async function routecraftProtect (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ctx = new Context(request, reply, undefined, 200)
    // A protect dependency with teardown is torn down after the docs' response.
    if (plan.teardown) ctx.teardown = openTeardown(request, reply)
    try {
      await (ctx.teardown === undefined ? solveDependencies(plan, ctx) : guarded(ctx.teardown, () => solveDependencies(plan, ctx)))
    } catch (err) {
      // Hooks of swagger-ui's routes answer through the app's error handler, which knows
      // nothing of HttpError; answer here so WWW-Authenticate and the detail survive.
      routeErrorHandler(err instanceof Error ? err : new HttpError(500), request, reply)
      return reply as unknown as undefined
    }
  }
}

/**
 * The app-level plugin: `/openapi.json` and `/docs` for every routecraft route and webhook of
 * the app, whenever they were registered, plus FastAPI's 404.
 *
 * @example
 * ```ts
 * const app = Fastify()
 * await app.register(openapi({ info: { title: 'Shop', version: '1.0.0' } }))
 * await app.register(route({ method: 'GET', url: '/users/', handler: function read_users () { return ['Rick'] } }))
 * await app.ready() // the document is checked here (operationIds, $ids), built on its first request
 * ```
 */
export function openapi (options: OpenApiOptions = {}): FastifyPluginAsync {
  const opts = checkOptions(options)
  const protect = options.protect === undefined ? undefined : protectHook(options.protect)

  async function routecraftOpenapi (fastify: FastifyInstance): Promise<void> {
    if (fastify.hasDecorator('routecraftOpenapi')) {
      throw new RoutecraftError('RC_ERR_OPENAPI_REGISTERED_TWICE', 'openapi() is already registered on this server; register it once, at the root')
    }
    fastify.decorate('routecraftOpenapi', { specPath: opts.specPath, docsPath: opts.docsPath })
    const entries = registryFor(fastify.server)
    const own = Symbol('routecraft.openapiRoute')

    const { default: swagger } = await import('@fastify/swagger')
    // Loaded by the onReady hook below, with the ids it checked; the document is built on first use.
    let builder: typeof import('../openapi/document.js') | undefined
    let ids: OperationIds | undefined

    await fastify.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: options.info ?? { title: 'routecraft', version: '0.1.0' },
        ...(options.servers === undefined ? {} : { servers: options.servers }),
        ...(options.tags === undefined ? {} : { tags: options.tags }),
      },
      refResolver: {
        buildLocalReference: (json: Record<string, unknown>, _base: unknown, _fragment: unknown, i: number) =>
          /* c8 ignore next -- json-schema-resolver calls this only for a schema whose $id it parsed as a URI string (a non-string $id throws in its parser first) */
          typeof json.$id === 'string' ? json.$id : `def-${i}`,
      },
      // routecraft documents its own routes (below); swagger documents the app's other routes.
      transform: ({ schema, url, route }) => {
        const config = route.config as Record<symbol, unknown> | undefined
        const hide = config?.[kOperation] !== undefined || config?.[own] === true
        return { schema: hide ? { ...schema, hide: true } : schema, url }
      },
      transformObject: (doc) => (builder as typeof import('../openapi/document.js')).buildDocument(
        (doc as { openapiObject: Record<string, unknown> }).openapiObject,
        entries,
        { operationIds: opts.operationIds, ids: ids as OperationIds }
      ),
    })

    if (opts.docsPath !== false) {
      const { default: swaggerUi } = await import('@fastify/swagger-ui')
      await fastify.register(swaggerUi, {
        routePrefix: opts.docsPath,
        uiConfig: { deepLinking: true, showExtensions: true, showCommonExtensions: true },
        ...(protect === undefined ? {} : { uiHooks: { onRequest: protect } }),
      })
    }

    if (opts.specPath !== false) {
      let cached: string | undefined
      fastify.route({
        method: 'GET',
        url: opts.specPath,
        config: { [own]: true } as object,
        ...(protect === undefined ? {} : { onRequest: protect }),
        handler: async (_request, reply) => {
          cached ??= JSON.stringify(fastify.swagger())
          return reply.header('content-type', 'application/json').send(cached)
        },
      })
    }

    if (opts.notFound) {
      fastify.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: 'Not Found' }))
    }

    // Check what would break the document (ids, not whole operations); swagger builds it once,
    // on the first request for it, and caches it.
    fastify.addHook('onReady', async function routecraftCheckDocument () {
      ids = checkOperationIds(entries, opts.operationIds)
      checkSchemaIds(entries)
      builder = await import('../openapi/document.js')
    })
  }

  return fp(routecraftOpenapi, { name: 'routecraft-openapi', fastify: '5.x' })
}

