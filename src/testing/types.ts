/**
 * The test client's types: what a request to a route may carry, and what comes back, both
 * read from the route's declaration (the types its plugin carries). Types only.
 */
import type { Static, TSchema } from '@sinclair/typebox'
import type { HttpMethod, RoutePlugin, RouteTypes } from '../declare/types.js'

// ---------------------------------------------------------------------------------------------
// Status codes
// ---------------------------------------------------------------------------------------------

export type Digit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9
export type ToNumber<S> = S extends `${infer N extends number}` ? N : never

/** Every status code a response can have, 100–599, as number literals. */
export type HttpStatus = ToNumber<`${1 | 2 | 3 | 4 | 5}${Digit}${Digit}`>
/** 200–299. */
export type SuccessStatus = ToNumber<`2${Digit}${Digit}`>
/** 400–599. */
export type ErrorStatus = ToNumber<`${4 | 5}${Digit}${Digit}`>

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

/**
 * One item of FastAPI's validation error.
 *
 * @example
 * ```ts
 * const issue: ValidationErrorItem = { type: 'missing', loc: ['body', 'price'], msg: 'Field required', input: {} }
 * ```
 */
export interface ValidationErrorItem {
  type: string
  loc: Array<string | number>
  msg: string
  input: unknown
  ctx?: Record<string, unknown>
}

/**
 * The body of a 422: FastAPI's `HTTPValidationError`.
 *
 * @example
 * ```ts
 * if (res.status === 422) t.same(res.body.detail.map(i => i.loc), [['body', 'price']])
 * ```
 */
export interface ValidationErrorBody { detail: ValidationErrorItem[] }

/**
 * The body of any other error: `{ "detail": … }` (an `HttpError`'s detail, or Fastify's message).
 *
 * @example
 * ```ts
 * if (res.status === 404) t.equal(res.body.detail, 'Item not found')
 * ```
 */
export interface ErrorBody { detail: unknown }

/**
 * A cookie the response set, with its attributes.
 *
 * @example
 * ```ts
 * t.equal(res.cookies.fakesession?.value, 'fake-cookie-session-value')
 * ```
 */
export interface TestCookie {
  value: string
  path?: string
  domain?: string
  expires?: Date
  maxAge?: number
  httpOnly?: boolean
  secure?: boolean
  sameSite?: string
}

// ---------------------------------------------------------------------------------------------
// From a route plugin to its types
// ---------------------------------------------------------------------------------------------

/** The declaration types a route plugin carries (loose ones for a plain `RoutePlugin`). */
export type TypesOf<P> = P extends RoutePlugin<infer T extends RouteTypes> ? T : RouteTypes

export type KeyStatus<K> = K extends number ? K : K extends `${infer N extends number}` ? N : never
/** Statuses whose additional response declares its own model (`responses: { 404: { schema } }`). */
export type ModelStatuses<Rs> = { [K in keyof Rs]-?: Rs[K] extends { schema: TSchema } ? KeyStatus<K> : never }[keyof Rs]
export type ModelAt<Rs, N> = { [K in keyof Rs]-?: N extends KeyStatus<K> ? Rs[K] extends { schema: infer S extends TSchema } ? Static<S> : never : never }[keyof Rs]
export type MainModel<T extends RouteTypes> = T['response'] extends TSchema ? Static<T['response']> : unknown
export type DeclaredStatus<T extends RouteTypes> = number extends T['status'] ? never : T['status']

/**
 * The body at status `N`: the additional response's model when it declares one; nothing for
 * 204 and 205; the response model for the declared status and every other 2xx (the temporal
 * response may change the status, the model still applies); FastAPI's validation error for
 * 422; `{ detail }` for the other 4xx and 5xx; `unknown` otherwise.
 */
export type BodyAt<T extends RouteTypes, N> =
  N extends ModelStatuses<T['responses']> ? ModelAt<T['responses'], N>
    : N extends 204 | 205 ? undefined
      : N extends SuccessStatus | DeclaredStatus<T> ? MainModel<T>
        : N extends 422 ? ValidationErrorBody
          : N extends ErrorStatus ? ErrorBody
            : unknown

/** The headers of a response, as `inject` gives them. */
export type ResponseHeaders = Record<string, string | string[] | number | undefined>

/**
 * A response at status `N`.
 *
 * @example
 * ```ts
 * const res: ResponseAt<typeof readItem, 200> = await client.request(readItem, { params: { item_id: 'a' }, expect: 200 })
 * ```
 */
export interface ResponseAt<T extends RouteTypes, N> {
  status: N
  headers: ResponseHeaders
  /** The cookies set by the response, by name. */
  cookies: Record<string, TestCookie>
  /** Parsed JSON for a JSON response, the text for a text one, bytes otherwise; `undefined` when empty. */
  body: BodyAt<T, N>
  /** The response body as text, exactly as sent. */
  text: string
}

export type Specials<T extends RouteTypes> = ModelStatuses<T['responses']>
export type Distribute<T extends RouteTypes, N> = N extends unknown ? ResponseAt<T, N> : never

/**
 * What a request to a route resolves to: a union discriminated by `status`, so that
 * `if (res.status === 200)` types `res.body` as the response model.
 */
export type TestResponse<P> = TypesOf<P> extends infer T extends RouteTypes
  ? | Distribute<T, Specials<T>>
    | ResponseAt<T, Exclude<204 | 205, Specials<T>>>
    | ResponseAt<T, Exclude<SuccessStatus | DeclaredStatus<T>, Specials<T> | 204 | 205>>
    | ResponseAt<T, Exclude<422, Specials<T>>>
    | ResponseAt<T, Exclude<ErrorStatus, Specials<T> | 422>>
    | ResponseAt<T, Exclude<HttpStatus, SuccessStatus | ErrorStatus | Specials<T> | DeclaredStatus<T>>>
  : never

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/** A query string value: repeated keys for arrays. */
export type QueryValue = string | number | boolean | bigint | null | undefined | ReadonlyArray<string | number | boolean | bigint>
/** Headers and cookies beyond the declared ones (those of dependencies, `authorization`, …). */
export type Extra = Record<string, string | number | readonly string[] | undefined>

export type Part<K extends string, S, Loose> = S extends TSchema
  ? {} extends Static<S> ? { [_ in K]?: Static<S> } : { [_ in K]: Static<S> }
  : { [_ in K]?: Loose }
export type OpenPart<K extends string, S> = S extends TSchema
  ? {} extends Static<S> ? { [_ in K]?: Static<S> & Extra } : { [_ in K]: Static<S> & Extra }
  : { [_ in K]?: Extra }
export type BodyPart<T extends RouteTypes> = T['rawBody'] extends true
  ? { body?: string | Uint8Array }
  : T['body'] extends TSchema ? { body: Static<T['body']> } : { body?: never }

/**
 * What `client.request(route, input)` takes, typed from the route's declaration: `params`,
 * `query` and `body` exactly as declared (required when the schema has required fields),
 * `headers` and `cookies` as declared plus any others. `expect` asserts the status.
 */
export type RequestInput<P, N = never> = TypesOf<P> extends infer T extends RouteTypes
  ? Part<'params', T['params'], Record<string, string | number>>
    & Part<'query', T['query'], Record<string, QueryValue>>
    & OpenPart<'headers', T['headers']>
    & OpenPart<'cookies', T['cookies']>
    & BodyPart<T>
    & { method?: HttpMethod; expect?: N }
  : never

/** The response a request resolves to: every status, or the `expect`ed one. */
export type ResponseOf<P, N> = [N] extends [never] ? TestResponse<P> : ResponseAt<TypesOf<P>, N>

/** Whether every part of the input is optional (then the input may be left out). */
export type OptionalInput<P> = {} extends RequestInput<P> ? true : false
