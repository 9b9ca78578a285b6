/**
 * Seed: "Return a Response Directly", returning a custom response.
 *
 * The XML is a string returned with `withResponse` and the media type `application/xml`:
 * sent as it is, byte for byte, with that `content-type`. The route documents the XML
 * response as the seed page suggests ("Additional Responses in OpenAPI").
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { openapi, route, withResponse } from '../../src/index.js'

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'GET',
    url: '/legacy/',
    responses: { 200: { description: 'Successful Response', content: { 'application/xml': {} } } },
    handler: function get_legacy_data () {
      // The seed's triple-quoted string, indentation and all.
      const data = `<?xml version="1.0"?>
    <shampoo>
    <Header>
        Apply shampoo here.
    </Header>
    <Body>
        You'll have to use soap here.
    </Body>
    </shampoo>
    `
      return withResponse(data, { mediaType: 'application/xml' })
    },
  }))
  return app
}
