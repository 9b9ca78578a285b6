// routecraft builds each Set-Cookie line itself, when the cookie is set (issue 7: the `cookie`
// package's stringifySetCookie validated everything a second time on every request). The line
// must stay byte for byte what @fastify/cookie's `cookie` package writes: for any cookie
// setCookie accepts, the line sent equals stringifySetCookie's. Checked through the temporal
// response and the sender (applyParts) against a recording reply.
// fc.assert prints the seed and the counterexample on failure.
import t from 'tap'
import fc from 'fast-check'
import { stringifySetCookie } from 'cookie'
import type { FastifyReply } from 'fastify'
import { TemporalResponse, type CookieOptions } from '../../src/responses/temporal.js'
import { applyParts } from '../../src/compile/send.js'
import { cookieDefaults } from '../../src/responses/http-fields.js'

const RUNS = { numRuns: 10_000 }

function sentLines (response: TemporalResponse): string[] {
  const lines: string[] = []
  const reply = {
    header (name: string, value: string) {
      if (name === 'set-cookie') lines.push(value)
      return reply
    },
    signCookie: (value: string) => `${value}.sig+/=`,
  }
  applyParts(reply as unknown as FastifyReply, response)
  return lines
}

const name = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/).filter(n => !/^__(secure|host)-/i.test(n))
// Any well-formed string: plain octets, the characters the package encodes, and non-ASCII.
const value = fc.string({ unit: 'grapheme', maxLength: 20 })
const options: fc.Arbitrary<CookieOptions> = fc.record({
  path: fc.stringMatching(/^\/[\x20-\x3a\x3d-\x7e]{0,10}$/),
  domain: fc.constantFrom('example.com', '.example.com', 'a-b.example.org', 'localhost'),
  maxAge: fc.integer({ min: -10, max: 10_000_000 }),
  expires: fc.integer({ min: Date.UTC(1601, 0, 1), max: Date.UTC(9999, 11, 31) }).map(ms => new Date(ms)),
  httpOnly: fc.boolean(),
  secure: fc.boolean(),
  sameSite: fc.constantFrom('lax', 'strict', 'none', true, false),
  partitioned: fc.boolean(),
  priority: fc.constantFrom('low', 'medium', 'high'),
  signed: fc.boolean(),
}, { requiredKeys: [] }) as fc.Arbitrary<CookieOptions>

t.test('the line sent is stringifySetCookie\'s for any accepted cookie', async t => {
  fc.assert(fc.property(name, value, fc.option(options, { nil: undefined }), (n, v, o) => {
    const response = new TemporalResponse(200)
    // Combinations browsers drop (SameSite=None or Partitioned without Secure) are refused at
    // the call, and tested elsewhere; here only accepted cookies count.
    const merged: CookieOptions = { ...cookieDefaults, ...o }
    fc.pre(merged.secure === true || (merged.sameSite !== 'none' && merged.partitioned !== true))
    response.setCookie(n, v, o)
    const sentValue = merged.signed === true ? `${v}.sig+/=` : v
    const expected = stringifySetCookie({ name: n, value: sentValue, ...merged })
    const [line] = sentLines(response)
    if (line !== expected) throw new Error(`${JSON.stringify(line)} !== ${JSON.stringify(expected)}`)
  }), RUNS)
  t.pass('10,000 cookies')
})

t.test('the shared defaults give the package\'s line too', async t => {
  const response = new TemporalResponse(200)
  response.setCookie('fakesession', 'fake-cookie-session-value')
  response.setCookie('spaced', 'a b;c%')
  t.same(sentLines(response), [
    stringifySetCookie({ name: 'fakesession', value: 'fake-cookie-session-value', path: '/', sameSite: 'lax' }),
    stringifySetCookie({ name: 'spaced', value: 'a b;c%', path: '/', sameSite: 'lax' }),
  ])
  t.equal(sentLines(response)[1], 'spaced=a%20b%3Bc%25; Path=/; SameSite=Lax')
})
