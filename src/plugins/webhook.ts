/**
 * webhook(): documents an event the app sends (OpenAPI 3.1 `webhooks`), and sends it: the
 * same declaration validates, serializes, signs and delivers the payload.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { Static, TSchema } from '@sinclair/typebox'
import { kOperation } from '../symbols.js'
import { declareWebhook, type WebhookDeclaration } from '../declare/webhook.js'
import { guardDeclaration } from '../declare/json.js'
import type { Operation } from '../declare/types.js'
import { compileBodyValidator, compileSerializer, validateCopy, type BodyCheck, type ValidationResult } from '../validation/validate.js'
import { prepareSchema } from '../validation/schema.js'
import { WEBHOOK_SCHEMA_CODES } from '../validation/refs.js'
import { serializeJson } from '../responses/serialize.js'
import { markPlugin, registryFor } from '../compile/registry.js'
import type { SendOptions, SendOutcome } from '../webhooks/job.js'
import type { WebhookCodec } from '../webhooks/codec.js'

/** The payload type of a webhook. */
export type WebhookPayload<B> = B extends TSchema ? Static<B> : unknown

/** A webhook: a Fastify plugin (it serves nothing; it documents), a codec and a sender. */
export type WebhookPlugin<T> = FastifyPluginAsync & {
  readonly [kOperation]: Operation
  /** The event name. */
  readonly event: string
  /** Validation and serialization by the declared body schema. */
  readonly codec: WebhookCodec<T>
  /**
   * Validates, serializes, signs (Standard Webhooks) and delivers `payload` to `url`, with
   * retries. Never rejects: resolves to an outcome value.
   */
  send: (url: string | URL, payload: T, options: SendOptions) => Promise<SendOutcome>
}

function makeCodec<T> (name: string, body: TSchema | undefined): WebhookCodec<T> {
  if (body === undefined) {
    return { name, validate: value => ({ ok: true, value: value as T }), serialize: serializeJson }
  }
  // Checked now; compiled when the first payload is validated or serialized.
  prepareSchema(body, WEBHOOK_SCHEMA_CODES)
  let check: BodyCheck | undefined
  let serialize: ((value: unknown) => string) | undefined
  return {
    name,
    validate: value => validateCopy(check ??= compileBodyValidator(body), value, 'refuse') as ValidationResult<T>,
    serialize: value => (serialize ??= compileSerializer(body))(value),
  }
}

/**
 * Declares a webhook (OpenAPI 3.1): documented under the document's `webhooks`, and sendable
 * with `.send(url, payload, { secret })`, typed by the body schema.
 *
 * @example
 * ```ts
 * const newSubscription = webhook({ name: 'new-subscription', body: Subscription,
 *   description: 'When a new user subscribes we send a POST request with this data.' })
 * await app.register(newSubscription)
 * const outcome = await newSubscription.send(url, { username: 'rick', monthly_fee: 9.99, start_date: '2024-01-01T00:00:00Z' }, { secret })
 * ```
 */
export function webhook<B extends TSchema | undefined = undefined> (decl: WebhookDeclaration<B>): WebhookPlugin<WebhookPayload<B>> {
  const { operation } = guardDeclaration('webhook()', () => declareWebhook(decl as WebhookDeclaration<TSchema | undefined>))
  const name = operation.url
  const codec = makeCodec<WebhookPayload<B>>(name, operation.body)
  const plugin = async function routecraftWebhook (fastify: FastifyInstance): Promise<void> {
    registryFor(fastify.server).push({ op: operation, path: name, inputs: {}, security: [] })
  }
  markPlugin(plugin, operation, `routecraft webhook ${name}`)
  return Object.assign(plugin, {
    event: name,
    codec,
    // The sender (and the network modules it needs) loads on the first send.
    send: async (url: string | URL, payload: WebhookPayload<B>, options: SendOptions) => (await import('../webhooks/send.js')).sendWebhook(codec, url, payload, options),
  }) as unknown as WebhookPlugin<WebhookPayload<B>>
}
