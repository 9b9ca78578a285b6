// Type tests for the security builders: checked by `npx tsc -p tsconfig.json --noEmit`, never run.
import { apiKeyAuth, bearerAuth, dependency, HttpError, route, securityScheme } from '../../src/index.js'
import type { BearerCredentials, Dependency } from '../../src/index.js'

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false
function expectType<T extends true> (_proof?: T): void {}

export function securityTypeTests (): void {
  const bearer = bearerAuth()
  expectType<Equal<typeof bearer, Dependency<BearerCredentials>>>(true)
  const optionalBearer = bearerAuth({ autoError: false, bearerFormat: 'JWT' })
  expectType<Equal<typeof optionalBearer, Dependency<BearerCredentials | undefined>>>(true)

  const key = apiKeyAuth({ in: 'header', name: 'x-api-key' })
  expectType<Equal<typeof key, Dependency<string>>>(true)
  const optionalKey = apiKeyAuth({ in: 'cookie', name: 'session', autoError: false })
  expectType<Equal<typeof optionalKey, Dependency<string | undefined>>>(true)
  // @ts-expect-error the key must say where it is sent
  apiKeyAuth({ name: 'x-api-key' })
  // @ts-expect-error nor can it come from the body
  apiKeyAuth({ in: 'body', name: 'x-api-key' })
  // @ts-expect-error bearerAuth has no realm
  bearerAuth({ realm: 'shop' })

  const oauth = securityScheme({
    schemeName: 'OAuth2PasswordBearer',
    scheme: { type: 'oauth2', flows: { password: { tokenUrl: 'token', scopes: { me: 'Me' } } } },
    scopes: ['me'],
    resolve: async (authorization, ctx) => {
      expectType<Equal<typeof authorization, string | undefined>>(true)
      void ctx.request.url
      if (authorization === undefined) throw new HttpError(401, 'Not authenticated')
      return { token: authorization }
    },
  })
  expectType<Equal<typeof oauth, Dependency<{ token: string }>>>(true)
  // @ts-expect-error a password flow needs its tokenUrl
  securityScheme({ schemeName: 'X', scheme: { type: 'oauth2', flows: { password: {} } }, resolve: () => 1 })
  // @ts-expect-error an apiKey scheme needs its name
  securityScheme({ schemeName: 'X', scheme: { type: 'apiKey', in: 'header' }, resolve: () => 1 })

  const user = dependency({ deps: { token: bearer, key: optionalKey }, resolve: ({ deps }) => {
    expectType<Equal<typeof deps.token.credentials, string>>(true)
    expectType<Equal<typeof deps.key, string | undefined>>(true)
    return deps.token.credentials
  } })
  route({ method: 'GET', url: '/me', deps: { user, oauth }, handler: ({ deps }) => {
    expectType<Equal<typeof deps.user, string>>(true)
    expectType<Equal<typeof deps.oauth.token, string>>(true)
    return null
  } })
}
