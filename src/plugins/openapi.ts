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
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger'
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui'
import { routecraftError } from '../errors.js'
import { guardDeclaration } from '../declare/json.js'
import { INTERNAL_ERROR_BODY } from '../responses/error-answer.js'
import { checkOptions, type DocumentPieces, type OpenApiOptions, type SwaggerUiPassThrough } from './openapi-options.js'
import { HttpError, RequestValidationError } from '../responses/http-error.js'
import { kOperation } from '../symbols.js'
import { checkOperationIds, checkSchemaIds, type OperationIds } from '../openapi/ids.js'
import { registryFor } from '../compile/registry.js'
import { planDependencies } from '../compile/deps.js'
import { Context } from '../compile/context.js'
import { compileDependencyChecks, type DependencyChecks } from '../compile/dep-checks.js'
import { routecraftErrorHandler } from '../compile/error-handler.js'
import { cookieJar, solveThen } from '../compile/handler.js'
import type { Dependency } from '../declare/types.js'

export type { OpenApiOptions, SwaggerPassThrough, SwaggerUiPassThrough } from './openapi-options.js'


function protectHook (dep: Dependency<unknown>): onRequestAsyncHookHandler {
  const plan = planDependencies({ protect: dep }, 'openapi() protect')
  /* c8 ignore next -- a dependency map with one entry always has a plan */
  if (plan === undefined) throw routecraftError('RC_ERR_OPENAPI_OPTION', 'protectPlan')
  // Compiled on the docs' first request, as a route's checks are.
  let checks: DependencyChecks | undefined | null = null
  return async function routecraftProtect (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (checks === null) checks = compileDependencyChecks(plan.nodes)
    const ctx = new Context(request, reply, cookieJar(plan.cookies, request), 200)
    try {
      // A protect dependency with teardown is torn down after the docs' response.
      await solveThen(plan, checks, ctx, request, reply, refuseInvalid)
    } catch (err) {
      // Hooks of swagger-ui's routes answer through the app's error handler, which knows
      // nothing of HttpError; answer here so WWW-Authenticate and the detail survive.
      routecraftErrorHandler(err instanceof Error ? err : new HttpError(500), request, reply)
      return reply as unknown as undefined
    }
  }
}

/** A protect dependency whose own parts are invalid did not run: the docs are not served. */
function refuseInvalid (ctx: Context): void {
  if (ctx.issues !== undefined) throw new RequestValidationError(ctx.issues)
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
  const opts = guardDeclaration('openapi()', () => checkOptions(options))
  const protect = options.protect === undefined ? undefined : protectHook(options.protect)

  async function routecraftOpenapi (fastify: FastifyInstance): Promise<void> {
    if (fastify.hasDecorator('routecraftOpenapi')) {
      throw routecraftError('RC_ERR_OPENAPI_REGISTERED_TWICE', 'twice')
    }
    fastify.decorate('routecraftOpenapi', { specPath: opts.specPath, docsPath: opts.docsPath })
    const entries = registryFor(fastify.server)
    const own = Symbol('routecraft.openapiRoute')

    // Loaded by the onReady hook below, with the ids it checked; the document is built on first use.
    let builder: Builder | undefined
    let ids: OperationIds | undefined
    const build = (base: Record<string, unknown>): Record<string, unknown> => (builder as Builder).buildDocument(base, entries, { operationIds: opts.operationIds, ids: ids as OperationIds })

    const reuse = await registerSwagger(fastify, options, opts.pieces, opts.docsPath, build, own)
    let built: Record<string, unknown> | undefined
    const appDocument = (): Record<string, unknown> => fastify.swagger() as unknown as Record<string, unknown>
    const documentOf = (): Record<string, unknown> => reuse ? (built ??= onAppSwagger(appDocument(), entries, builder as Builder, build)) : appDocument()

    if (opts.docsPath !== false) {
      const { default: swaggerUi } = await import('@fastify/swagger-ui')
      await fastify.register(swaggerUi, swaggerUiOptions(options.swaggerUi, opts.docsPath, protect, reuse ? documentOf : undefined))
    }

    if (opts.specPath !== false) serveDocument(fastify, opts.specPath, protect, documentOf, own)

    if (opts.notFound) {
      fastify.setNotFoundHandler((_request, reply) => reply.code(404).send({ detail: 'Not Found' }))
    }

    // Check what would break the document (ids, not whole operations); swagger builds it once,
    // on the first request for it, and caches it.
    fastify.addHook('onReady', async function routecraftCheckDocument () {
      ids = checkOperationIds(entries, opts.operationIds)
      checkSchemaIds(entries)
      builder = await import('../openapi/document.js')
      // An app's own swagger in Swagger 2.0 mode cannot carry routecraft's document.
      if (reuse) checkAppSwagger(appDocument())
    })
  }

  return fp(routecraftOpenapi, { name: 'routecraft-openapi', fastify: '5.x' })
}

type Entries = ReturnType<typeof registryFor>
type Builder = typeof import('../openapi/document.js')

/**
 * Registers @fastify/swagger, or keeps the app's own: routecraft's document is then built on
 * top of the app's (its info, components and other routes), served at specPath and docsPath.
 * Whether the app's is reused.
 */
async function registerSwagger (fastify: FastifyInstance, options: OpenApiOptions, pieces: DocumentPieces, docsPath: string | false, build: (base: Record<string, unknown>) => Record<string, unknown>, own: symbol): Promise<boolean> {
  if (fastify.hasDecorator('swagger')) {
    if (options.swagger !== undefined) throw routecraftError('RC_ERR_OPENAPI_APP_SWAGGER', 'swaggerOptions')
    if (docsPath !== false && fastify.hasDecorator('swaggerCSP')) throw routecraftError('RC_ERR_OPENAPI_APP_SWAGGER', 'swaggerUi')
    return true
  }
  const { default: swagger } = await import('@fastify/swagger')
  await fastify.register(swagger, swaggerOptions(options, pieces, build, own))
  return false
}

/** The document's route: serialized once, on its first request, and sent as those bytes. */
function serveDocument (fastify: FastifyInstance, specPath: string, protect: onRequestAsyncHookHandler | undefined, documentOf: () => Record<string, unknown>, own: symbol): void {
  // The document as UTF-8 bytes (encoded once, not on every request), or the error that
  // building it threw (kept: building is deterministic, and a failing build must not be redone
  // on every request).
  let cached: Buffer | { failed: unknown } | undefined
  fastify.route({
    method: 'GET',
    url: specPath,
    config: { [own]: true } as object,
    // Hidden from an app's own @fastify/swagger, whose transform does not know this route.
    schema: { hide: true } as object,
    ...(protect === undefined ? {} : { onRequest: protect }),
    handler: async (request, reply) => {
      if (cached === undefined) {
        try {
          cached = Buffer.from(JSON.stringify(documentOf()))
        } catch (err) {
          cached = { failed: err }
        }
      }
      if (!Buffer.isBuffer(cached)) {
        // Only what an app's own swagger hooks or plain routes bring can fail here:
        // routecraft's declarations were checked when declared. Logged, never echoed.
        request.log.error({ err: cached.failed }, 'routecraft: the OpenAPI document could not be built')
        return reply.code(500).header('content-type', 'application/json').send(INTERNAL_ERROR_BODY)
      }
      return reply.header('content-type', 'application/json; charset=utf-8').send(cached)
    },
  })
}

/** @fastify/swagger's options: the document's head, routecraft's hooks, the user's extras. */
function swaggerOptions (options: OpenApiOptions, pieces: DocumentPieces, build: (base: Record<string, unknown>) => Record<string, unknown>, own: symbol): FastifyDynamicSwaggerOptions {
  const extra = options.swagger ?? {}
  const userTransform = extra.transform
  const userTransformObject = extra.transformObject
  return {
    ...extra,
    openapi: {
      ...pieces.extra,
      openapi: '3.1.0',
      info: pieces.info ?? pieces.extra?.info ?? { title: 'routecraft', version: '0.1.0' },
      ...(pieces.servers === undefined ? {} : { servers: pieces.servers }),
      ...(pieces.tags === undefined ? {} : { tags: pieces.tags }),
    },
    refResolver: {
      buildLocalReference: (json: Record<string, unknown>, _base: unknown, _fragment: unknown, i: number) =>
        /* c8 ignore next -- json-schema-resolver calls this only for a schema whose $id it parsed as a URI string (a non-string $id throws in its parser first) */
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    // routecraft documents its own routes (below); swagger documents the app's other routes.
    transform: (input) => {
      const config = input.route.config as Record<symbol, unknown> | undefined
      if (config?.[kOperation] !== undefined || config?.[own] === true) return { schema: { ...input.schema, hide: true }, url: input.url }
      return userTransform === undefined ? { schema: input.schema, url: input.url } : userTransform(input)
    },
    transformObject: (doc) => {
      const built = build((doc as { openapiObject: Record<string, unknown> }).openapiObject)
      return userTransformObject === undefined ? built : userTransformObject({ openapiObject: built as never })
    },
  }
}

/** @fastify/swagger-ui's options: the user's, over routecraft's defaults and `protect`. */
function swaggerUiOptions (extra: SwaggerUiPassThrough | undefined, docsPath: string, protect: onRequestAsyncHookHandler | undefined, documentOf: (() => Record<string, unknown>) | undefined): FastifySwaggerUiOptions {
  const userHooks = extra?.uiHooks
  const userSpec = extra?.transformSpecification
  const onRequest = [protect, userHooks?.onRequest].flat().filter(h => h !== undefined)
  return {
    ...extra,
    routePrefix: docsPath,
    uiConfig: { deepLinking: true, showExtensions: true, showCommonExtensions: true, ...extra?.uiConfig },
    ...(onRequest.length === 0 && userHooks === undefined ? {} : { uiHooks: { ...userHooks, ...(onRequest.length === 0 ? {} : { onRequest: onRequest as never }) } }),
    // Reusing the app's @fastify/swagger: the UI shows routecraft's document, not the app's.
    ...(documentOf === undefined && userSpec === undefined
      ? {}
      : {
          transformSpecificationClone: documentOf === undefined,
          transformSpecification: (spec, request, reply) => {
            const doc = documentOf === undefined ? spec : structuredClone(documentOf())
            return userSpec === undefined ? doc : userSpec(doc, request, reply)
          },
        }),
  }
}

function checkAppSwagger (base: Record<string, unknown>): void {
  if (typeof base.openapi !== 'string' || !base.openapi.startsWith('3.')) {
    throw routecraftError('RC_ERR_OPENAPI_APP_SWAGGER', 'swagger2')
  }
}

/** routecraft's document on top of the one the app's own @fastify/swagger builds. */
function onAppSwagger (base: Record<string, unknown>, entries: Entries, builder: Builder, build: (base: Record<string, unknown>) => Record<string, unknown>): Record<string, unknown> {
  // The app's swagger also listed routecraft's routes, without their schemas: replace them.
  return build({ ...builder.withoutOperations(base, entries), openapi: '3.1.0' })
}

