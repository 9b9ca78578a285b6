/**
 * The declaration types: what users write, the contexts handlers receive, and the records the
 * declare step makes of them (the Operation, read by the compilers and the OpenAPI side).
 * Types only; no Fastify runtime import.
 */
import type { Static, TSchema } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import type { TemporalResponse } from '../responses/temporal.js'
import type { DirectResponse } from '../responses/with-response.js'
import type { kOperation, kDependency } from '../symbols.js'

// ---------------------------------------------------------------------------------------------
// Small pieces
// ---------------------------------------------------------------------------------------------

/** HTTP methods a route may declare (any case is accepted at run time). */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'TRACE'
  | 'get' | 'head' | 'post' | 'put' | 'delete' | 'patch' | 'options' | 'trace'

/** A schema slot: a TypeBox schema or nothing. */
export type SchemaSlot = TSchema | undefined

/** `Static<S>` for a declared schema, `Fallback` when none is declared. */
export type StaticOr<S, Fallback> = S extends TSchema ? Static<S> : Fallback

/** What a route or dependency may return: the model's type, or a direct response. */
export type Returned<R> = (R extends TSchema ? Static<R> : unknown) | DirectResponse

/** One additional response of an operation (FastAPI's `responses={404: {...}}`). */
export interface ResponseSpec {
  /** The response's description; defaults to the status's reason phrase. */
  description?: string
  /** A model for `application/json`: documented, and filtering at run time for this status. */
  schema?: TSchema
  /** Content by media type, e.g. `{ 'image/png': {} }` or `{ 'application/xml': { schema } }`. */
  content?: Record<string, { schema?: TSchema | Record<string, unknown>; example?: unknown; examples?: Record<string, unknown> }>
  /** Response headers, e.g. `{ 'X-Cat-Dog': { description: '…', schema: Type.String() } }`. */
  headers?: Record<string, { description?: string; schema?: TSchema | Record<string, unknown>; required?: boolean }>
}

/** A custom operationId strategy (FastAPI's `generate_unique_id_function`). */
export type OperationIdFunction = (op: { name: string; path: string; method: string; kind: 'route' | 'webhook' }) => string

/** OpenAPI metadata shared by routes and webhooks. */
export interface OperationMetadata {
  /** The operation's name (default: the handler's own function name). */
  name?: string
  /** An explicit operationId; it must be unique in the document. */
  operationId?: string
  /** This operation's own operationId strategy; overrides `openapi({ operationIds })`. */
  generateOperationId?: OperationIdFunction
  /** Default: the name in title case (`read_items` → `Read Items`). */
  summary?: string
  /** Cleaned like Python's `inspect.cleandoc`, then cut at the first `\f`. */
  description?: string
  tags?: readonly string[]
  deprecated?: boolean
  /** `false`: served, but absent from the document. */
  includeInSchema?: boolean
  /** Deep-merged into the generated operation object, last (FastAPI's `openapi_extra`). */
  openapiExtra?: Record<string, unknown>
  /** Additional responses by status code. */
  responses?: Partial<Record<number | `${number}` | 'default' | `${1 | 2 | 3 | 4 | 5}XX`, ResponseSpec>>
}

// ---------------------------------------------------------------------------------------------
// Dependencies
// ---------------------------------------------------------------------------------------------

/** What a resolved dependency map looks like to a handler. */
export type ResolvedDeps<D> = { [K in keyof D]: D[K] extends Dependency<infer T> ? T : never }

/** A map of named dependencies. */
export type DepsMap = Record<string, Dependency<unknown>>

/** Security metadata a dependency contributes to every operation that uses it. */
export interface SecurityRequirement {
  schemeName: string
  scheme: Record<string, unknown>
  scopes: readonly string[]
}

/** A dependency (FastAPI's `Depends`): solved once per request, before the handler. */
export interface Dependency<T> {
  readonly [kDependency]: DependencyRecord
  /** Phantom: the resolved type. */
  readonly __type?: T
}

/** The normalized dependency, read by the compiler and the OpenAPI side. */
export interface DependencyRecord {
  readonly id: number
  readonly name: string | undefined
  readonly deps: Readonly<Record<string, Dependency<unknown>>>
  readonly params?: TSchema
  readonly query?: TSchema
  readonly headers?: TSchema
  readonly cookies?: TSchema
  readonly cache: boolean
  readonly security?: SecurityRequirement
  /** `resolve` is a generator function: its value is the first yield, the rest is teardown. */
  readonly teardown: boolean
  readonly resolve: (ctx: never) => unknown
}

/**
 * The value a dependency provides: what `resolve` returns (awaited), or what it yields first
 * when it is a generator function (a dependency with teardown, FastAPI's `yield`).
 */
export type DependencyValue<T> =
  T extends AsyncGenerator<infer Y, unknown, never> ? Y
    : T extends Generator<infer Y, unknown, never> ? Y
      : Awaited<T>

/** What handlers and dependencies share: the request parts, `deps`, the temporal response. */
export interface RequestContext<P, Q, H, C, B, D> {
  readonly params: StaticOr<P, Record<string, string>>
  readonly query: StaticOr<Q, Record<string, unknown>>
  readonly headers: StaticOr<H, IncomingHttpHeaders>
  readonly cookies: StaticOr<C, Record<string, string | undefined>>
  readonly body: B
  readonly deps: ResolvedDeps<D>
  /** The temporal response: status, headers and cookies applied to the final response. */
  readonly response: TemporalResponse
  /** Fastify's request: an escape hatch. */
  readonly request: FastifyRequest
  /** Fastify's reply: an escape hatch. */
  readonly reply: FastifyReply
}

/**
 * The context of a dependency's `resolve`; `body` is the route's parsed body, if it has one
 * (not validated against this dependency).
 */
export type DependencyContext<P, Q, H, C, D> = RequestContext<P, Q, H, C, unknown, D>

/** What `dependency()` takes. */
export interface DependencyDeclaration<T, P extends SchemaSlot, Q extends SchemaSlot, H extends SchemaSlot, C extends SchemaSlot, D extends DepsMap> {
  name?: string
  deps?: D
  params?: P
  query?: Q
  headers?: H
  cookies?: C
  /** Solve once per request even if used several times (default `true`, FastAPI's `use_cache`). */
  cache?: boolean
  resolve: (ctx: DependencyContext<P, Q, H, C, D>) => T | Promise<T>
}

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

/** The context of a route handler. */
export type HandlerContext<P, Q, H, C, B, D> = RequestContext<P, Q, H, C, B, D>

/** The body type a handler sees. */
export type BodyOf<B, Raw> = Raw extends true ? Buffer : B extends TSchema ? Static<B> : undefined

/** What `route()` takes. */
export interface RouteDeclaration<P extends SchemaSlot, Q extends SchemaSlot, H extends SchemaSlot, C extends SchemaSlot, B extends SchemaSlot, R extends SchemaSlot, D extends DepsMap, Raw extends boolean | undefined, S extends number = number, Rs extends ResponsesMap = ResponsesMap> extends OperationMetadata {
  method: HttpMethod | readonly HttpMethod[]
  /** `/items/{id}` or `/items/:id`. */
  url: string
  params?: P
  query?: Q
  /** Header names in lower case. */
  headers?: H
  cookies?: C
  body?: B
  /** The handler receives the body as a Buffer, unparsed and unvalidated (document it with `openapiExtra`). */
  rawBody?: Raw
  /** The response model: validates nothing at run time but filters out every undeclared field. */
  response?: R
  /** The default success status (200). */
  status?: S
  responses?: Rs
  deps?: D
  handler: (ctx: HandlerContext<P, Q, H, C, BodyOf<B, Raw>, D>) => Returned<R> | Promise<Returned<R>>
}

/** The additional responses of an operation, by status code. */
export type ResponsesMap = NonNullable<OperationMetadata['responses']>

/**
 * The types a route was declared with, kept on its plugin for typed clients (the test client
 * of `routecraft/testing`). Compile time only: nothing of it exists at run time.
 */
export interface RouteTypes<P = SchemaSlot, Q = SchemaSlot, H = SchemaSlot, C = SchemaSlot, B = SchemaSlot, R = SchemaSlot, Raw = boolean | undefined, S = number, Rs = ResponsesMap> {
  params: P
  query: Q
  headers: H
  cookies: C
  body: B
  response: R
  rawBody: Raw
  status: S
  responses: Rs
}

declare const kRouteTypes: unique symbol

/** A compiled route: a Fastify plugin that carries its operation (and, for the types, its declaration's types). */
export type RoutePlugin<T extends RouteTypes = RouteTypes> = FastifyPluginAsync & { readonly [kOperation]: Operation; readonly [kRouteTypes]?: T }

// ---------------------------------------------------------------------------------------------
// The Operation
// ---------------------------------------------------------------------------------------------

/**
 * The Operation: each declaration normalized once into a plain record, read by both the
 * compiler (requests) and the OpenAPI side (the document). FastAPI builds the same record in
 * `APIRoute.__init__`.
 */
export interface Operation {
  readonly kind: 'route' | 'webhook'
  /** Upper-case methods, in declaration order. */
  readonly methods: readonly string[]
  /** Fastify's form (`/items/:id`) for routes; the event name for webhooks. */
  readonly url: string
  /** Path parameter names, in order. */
  readonly pathParams: readonly string[]
  /** The declared or the handler's own name; `undefined` when neither exists. */
  readonly name: string | undefined
  readonly operationId: string | undefined
  readonly generateOperationId: OperationIdFunction | undefined
  readonly summary: string | undefined
  /** As declared: the OpenAPI merger cleans it and cuts it at `\f` when it builds the document. */
  readonly description: string | undefined
  readonly tags: readonly string[]
  readonly deprecated: boolean
  readonly includeInSchema: boolean
  readonly openapiExtra: Record<string, unknown> | undefined
  readonly params: TSchema | undefined
  readonly query: TSchema | undefined
  readonly headers: TSchema | undefined
  readonly cookies: TSchema | undefined
  readonly body: TSchema | undefined
  readonly rawBody: boolean
  readonly response: TSchema | undefined
  readonly status: number
  readonly responses: Readonly<Record<string, ResponseSpec>>
  readonly deps: Readonly<Record<string, Dependency<unknown>>>
  readonly handler: ((ctx: never) => unknown) | undefined
}

/** One documented (or hidden) operation as registered on a server. */
export interface RegistryEntry {
  readonly op: Operation
  /** The OpenAPI path, prefix included (`/v1/items/{id}`), or the webhook's name. */
  readonly path: string
  /** Request parts merged with the dependencies' (what is validated and documented). */
  readonly inputs: { readonly params?: TSchema; readonly query?: TSchema; readonly headers?: TSchema; readonly cookies?: TSchema }
  readonly security: readonly SecurityRequirement[]
  /** Schemas the operation's references name by `$id` (`Type.Ref`), for the components. */
  readonly refs?: readonly TSchema[]
}
