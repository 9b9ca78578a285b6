/**
 * The body parsers of routecraft routes (set in the context each kind of route shares in a
 * scope, see group.ts), and what they leave for validation when a body is not what the route
 * takes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import secureJson from 'secure-json-parse'
import { jsonErrorOffset } from './json-offset.js'
import { HttpError, RequestValidationError } from '../responses/http-error.js'
import type { Operation } from '../declare/types.js'

export function sentBody (request: FastifyRequest): { value: unknown } | undefined {
  // Set by parseJson for every JSON body that reaches validation (empty bodies stop earlier),
  // and parsed again the same way: plain JSON.parse refuses the byte order mark the parser
  // allows. A body from another parser (a form, say) is reported as that parser produced it.
  const text = (request as unknown as Record<symbol, string | undefined>)[kBodyText]
  return text === undefined ? undefined : { value: secureJson.parse(text) }
}

/** A body that was not sent as JSON, kept so validation can report it as FastAPI does. */
export class NonJsonBody {
  constructor (readonly bytes: Buffer) {}
}


// The body's text, kept on the request so that a failing validation can report each input as
// it was sent (Ajv's data has defaults and removals applied). Only the failure path reads it.
const kBodyText = Symbol('routecraft.bodyText')

const JSON_TYPE = /^application\/(?:[^;\s/]+\+)?json(?:\s*;|$)/i

function parseJson (req: FastifyRequest, text: string, done: (err: Error | null, body?: unknown) => void): void {
  if (text.length === 0) { done(null, undefined); return }
  ;(req as unknown as Record<symbol, string>)[kBodyText] = text
  let value: unknown
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
  } catch (err) {
    if (err instanceof SyntaxError && /forbidden prototype property/.test(err.message)) {
      done(new HttpError(400, 'Object contains forbidden prototype property'))
      return
    }
    const pos = jsonErrorOffset(text)
    done(new RequestValidationError([{ type: 'json_invalid', loc: ['body', pos], msg: 'JSON decode error', input: {}, ctx: { error: (err as Error).message } }]))
    return
  }
  done(null, value)
}

/** Which parsers a route needs: routes of one kind share them. */
export function bodyKind (op: Operation): 'body' | 'raw' | 'none' {
  return op.body !== undefined ? 'body' : op.rawBody ? 'raw' : 'none'
}

/**
 * A route with a `body` keeps every parser the app and its plugins registered (forms,
 * multipart, …): routecraft validates what they produce. It owns JSON (FastAPI's errors for
 * malformed JSON), plain text and any other content type, which are not parsed.
 */
export function configureBodyParsers (fastify: FastifyInstance, op: Operation): void {
  if (op.body !== undefined) {
    // An app's catch-all ('*') is replaced in this scope by routecraft's, as Fastify allows.
    fastify.removeContentTypeParser(['application/json', 'text/plain'])
    fastify.addContentTypeParser(JSON_TYPE, { parseAs: 'string' }, parseJson)
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, new NonJsonBody(body as Buffer)) })
    return
  }
  fastify.removeAllContentTypeParsers()
  if (op.rawBody) {
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
  } else {
    // FastAPI ignores the body of an operation that declares none; the size limit still holds.
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => { done(null, undefined) })
  }
}

