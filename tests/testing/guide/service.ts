// service.ts: a small subscription service
import Fastify, { type FastifyInstance } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import {
  basicAuth, dependency, HttpError, memoryReplayStore, route, safeCompare, verifyWebhook, webhook, WebhookVerificationError,
} from '../../../src/index.js'

export const Subscription = Type.Object({
  id: Type.String(),
  username: Type.String({ minLength: 1 }),
  plan: Type.Union([Type.Literal('free'), Type.Literal('pro')]),
  paid: Type.Boolean(),
  notified: Type.Boolean(),
})
type Subscription = Static<typeof Subscription>

/** Sent to the CRM whenever someone subscribes. */
export const subscriptionCreated = webhook({ name: 'subscription-created', body: Subscription })
/** Received from the payment provider. */
export const paymentReceived = webhook({
  name: 'payment-received',
  body: Type.Object({ subscription_id: Type.String(), amount: Type.Number() }),
})

export interface ServiceOptions {
  crm: { url: string; secret: string }
  paymentSecret: string
  admin: { username: string; password: string }
}

/** The routes of one service instance (each has its own subscriptions). */
export function subscriptionRoutes (options: ServiceOptions) {
  const subscriptions = new Map<string, Subscription>()
  const replayStore = memoryReplayStore()
  const admin = dependency({
    deps: { credentials: basicAuth() },
    resolve: function current_admin ({ deps }) {
      const userOk = safeCompare(deps.credentials.username, options.admin.username)
      const passOk = safeCompare(deps.credentials.password, options.admin.password)
      if (!(userOk && passOk)) throw new HttpError(401, 'Incorrect username or password', { 'WWW-Authenticate': 'Basic' })
      return deps.credentials.username
    },
  })

  const createSubscription = route({
    method: 'POST', url: '/subscriptions/', status: 201, deps: { admin },
    body: Type.Object({ username: Type.String({ minLength: 1 }), plan: Type.Union([Type.Literal('free'), Type.Literal('pro')]) }),
    response: Subscription,
    handler: async function create_subscription ({ body }) {
      const subscription = { id: `sub_${subscriptions.size + 1}`, ...body, paid: false, notified: false }
      subscriptions.set(subscription.id, subscription)
      const outcome = await subscriptionCreated.send(options.crm.url, subscription, { secret: options.crm.secret })
      subscription.notified = outcome.ok
      return subscription
    },
  })

  const readSubscription = route({
    method: 'GET', url: '/subscriptions/{id}', params: Type.Object({ id: Type.String() }), response: Subscription,
    responses: { 404: { description: 'No such subscription', schema: Type.Object({ detail: Type.String() }) } },
    handler: function read_subscription ({ params }) {
      const subscription = subscriptions.get(params.id)
      if (subscription === undefined) throw new HttpError(404, 'Subscription not found')
      return subscription
    },
  })

  const receivePayment = route({
    method: 'POST', url: '/hooks/payments', rawBody: true,
    handler: async function receive_payment ({ body, headers }) {
      let payment
      try {
        payment = await verifyWebhook(paymentReceived, body, headers, options.paymentSecret, { replayStore })
      } catch (err) {
        if (err instanceof WebhookVerificationError) throw new HttpError(err.reason === 'replay' ? 409 : 401, err.reason)
        throw err
      }
      const subscription = subscriptions.get(payment.subscription_id)
      if (subscription === undefined) throw new HttpError(404, 'Subscription not found')
      subscription.paid = true
      return { received: true }
    },
  })

  return { createSubscription, readSubscription, receivePayment }
}

export async function build (options: ServiceOptions): Promise<{ app: FastifyInstance; routes: ReturnType<typeof subscriptionRoutes> }> {
  const app = Fastify()
  const routes = subscriptionRoutes(options)
  for (const plugin of Object.values(routes)) await app.register(plugin)
  await app.register(subscriptionCreated)
  return { app, routes }
}
