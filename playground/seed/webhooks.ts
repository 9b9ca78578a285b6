/**
 * Seed: "OpenAPI Webhooks".
 *
 * A webhook is documented under the OpenAPI 3.1 `webhooks` section (no route is served for
 * it); the same declaration can also send it (`newSubscription.send(url, payload, { secret })`).
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { model, openapi, route, webhook } from '../../src/index.js'

/** Pydantic's `Subscription`: `username: str`, `monthly_fee: float`, `start_date: datetime`. */
export const Subscription = model('Subscription', {
  username: Type.String(),
  monthly_fee: Type.Number(),
  start_date: Type.String({ format: 'date-time' }),
})

export const newSubscription = webhook({
  name: 'new-subscription',
  body: Subscription,
  description: `
    When a new user subscribes to your service we'll send you a POST request with this
    data to the URL that you register for the event \`new-subscription\` in the dashboard.
    `,
})

/** The seed's path operation, as a value: tests send requests to it with the typed client. */
export const readUsers = route({
  method: 'GET',
  url: '/users/',
  handler: function read_users () {
    return ['Rick', 'Morty']
  },
})

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())
  await app.register(newSubscription)
  await app.register(readUsers)
  return app
}
