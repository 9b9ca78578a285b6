/**
 * The declare step of webhook(): a declaration → its Operation (an event the app sends,
 * documented under OpenAPI 3.1 `webhooks`). Pure data.
 */
import type { TSchema } from '@sinclair/typebox'
import { RoutecraftError } from '../errors.js'
import { checkKeys, checkMethods, checkSchema } from './checks.js'
import { checkMetadata } from './metadata.js'
import type { HttpMethod, Operation, OperationMetadata } from './types.js'

const KEYS = new Set(['name', 'method', 'body', 'operationId', 'generateOperationId', 'summary', 'description', 'tags',
  'deprecated', 'includeInSchema', 'openapiExtra', 'responses'])

const EVENT_NAME = /^[A-Za-z0-9][\w.:-]*$/

/** What `webhook()` takes: route's metadata and `body`, with the event `name` instead of `url`. */
export interface WebhookDeclaration<B extends TSchema | undefined> extends Omit<OperationMetadata, 'name'> {
  /** The event name, e.g. `new-subscription`: an identifier, not a path. */
  name: string
  /** Default `POST`. */
  method?: HttpMethod | readonly HttpMethod[]
  /** The payload's schema: documented, and enforced by `send()`. */
  body?: B
}

/** Checks a webhook declaration and normalizes it into its Operation. */
export function declareWebhook (decl: WebhookDeclaration<TSchema | undefined>): { operation: Operation; where: string } {
  if (typeof decl !== 'object' || decl === null) throw new RoutecraftError('RC_ERR_WEBHOOK_NAME', 'webhook() needs a declaration object')
  const name = decl.name
  if (typeof name !== 'string' || !EVENT_NAME.test(name)) {
    throw new RoutecraftError('RC_ERR_WEBHOOK_NAME', `webhook(): name must be an event identifier such as "new-subscription" (letters, digits, _ . : -), got ${JSON.stringify(name)}`)
  }
  const where = `webhook ${name}`
  checkKeys(decl, KEYS, where)
  const methods = checkMethods(decl.method ?? 'POST', where)
  const body = checkSchema(decl.body, 'body', where)
  const operation: Operation = Object.freeze({
    kind: 'webhook',
    methods,
    url: name,
    pathParams: [],
    name,
    ...checkMetadata(decl, where),
    params: undefined,
    query: undefined,
    headers: undefined,
    cookies: undefined,
    body,
    rawBody: false,
    response: undefined,
    status: 200,
    deps: {},
    handler: undefined,
  })
  return { operation, where }
}
