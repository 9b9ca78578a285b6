/**
 * The declare step of webhook(): a declaration → its Operation (an event the app sends,
 * documented under OpenAPI 3.1 `webhooks`). Pure data.
 */
import type { TSchema } from '@sinclair/typebox'
import { routecraftError } from '../errors.js'
import { checkKeys, checkMethods, checkSchema, WEBHOOK_CODES } from './checks.js'
import { checkMetadata } from './metadata.js'
import { keySet } from '../common/objects.js'
import type { HttpMethod, Operation, OperationMetadata } from './types.js'

// Every option of WebhookDeclaration, checked by the compiler against the type.
const KEYS = keySet<WebhookDeclaration<TSchema | undefined>>({
  name: true, method: true, body: true, operationId: true, generateOperationId: true, summary: true, description: true, tags: true,
  deprecated: true, includeInSchema: true, openapiExtra: true, responses: true,
})

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
  if (typeof decl !== 'object' || decl === null) throw routecraftError('RC_ERR_WEBHOOK_NAME', 'noDeclaration')
  const name = decl.name
  if (typeof name !== 'string' || !EVENT_NAME.test(name)) {
    throw routecraftError('RC_ERR_WEBHOOK_NAME', 'name', { name })
  }
  const where = `webhook ${name}`
  checkKeys(decl, KEYS, where, WEBHOOK_CODES.option)
  const methods = checkMethods(decl.method ?? 'POST', where, WEBHOOK_CODES)
  const body = checkSchema(decl.body, 'body', where, false, WEBHOOK_CODES)
  const operation: Operation = Object.freeze({
    kind: 'webhook',
    methods,
    url: name,
    pathParams: [],
    name,
    ...checkMetadata(decl, where, WEBHOOK_CODES),
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
