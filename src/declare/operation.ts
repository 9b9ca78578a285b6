/**
 * The Operation: each declaration normalized once into a plain record, read by both the
 * compiler (requests) and the OpenAPI side (the document). FastAPI builds the same record in
 * `APIRoute.__init__`.
 */
import type { TSchema } from '@sinclair/typebox'
import type { Dependency, OperationIdFunction, ResponseSpec } from './types.js'

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
  /** Already cleaned and cut at `\f`. */
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
