import t from 'tap'
import fc from 'fast-check'
import { RoutecraftError } from '../../src/errors.js'
import {
  encodeBasic,
  MAX_AUTHORIZATION_LENGTH,
  parseBasicAuthorization,
  type BasicParse,
} from '../../src/security/credentials.js'

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')
const b64bytes = (bytes: number[]): string => Buffer.from(bytes).toString('base64')

t.test('valid credentials', async t => {
  const cases: Array<[string, string, string]> = [
    // header, username, password
    ['Basic am9objpzZWNyZXQ=', 'john', 'secret'],
    [`Basic ${b64('stanleyjobson:swordfish')}`, 'stanleyjobson', 'swordfish'],
    [`basic ${b64('a:b')}`, 'a', 'b'], // scheme in any case
    [`BASIC ${b64('a:b')}`, 'a', 'b'],
    [`bAsIc ${b64('a:b')}`, 'a', 'b'],
    [`Basic ${b64(':')}`, '', ''], // empty username and password
    [`Basic ${b64('user:')}`, 'user', ''],
    [`Basic ${b64(':pass')}`, '', 'pass'],
    [`Basic ${b64('user:pa:ss:')}`, 'user', 'pa:ss:'], // split at the first colon only
    [`Basic ${b64('Sebastián:contraseña')}`, 'Sebastián', 'contraseña'], // UTF-8 (RFC 7617)
    [`Basic ${b64('日本:🔑')}`, '日本', '🔑'],
    [`Basic ${b64('\uFEFFbom:x')}`, '\uFEFFbom', 'x'], // a BOM is kept, not stripped
    [`Basic ${b64('sp ace:p w')}`, 'sp ace', 'p w'],
    // Python's b64decode(validate=False) drops characters outside the alphabet
    ['Basic  am9objpzZWNyZXQ=', 'john', 'secret'], // extra space after the scheme
    ['Basic am9o bjpz\tZWNy-ZXQ=', 'john', 'secret'],
    ['Basic am9objpzZWNyZXQ=\u00e9', 'john', 'secret'],
    [`Basic ${b64('a:b')} `, 'a', 'b'],
    // Non-zero trailing bits are tolerated, as in Python
    ['Basic dTp=', 'u', ''], // b64('u:') is 'dTo=': 'p' only differs in the unused bits
  ]
  for (const [header, username, password] of cases) {
    t.strictSame(parseBasicAuthorization(header), { kind: 'ok', username, password }, JSON.stringify(header))
  }
})

t.test('missing and malformed Authorization headers', async t => {
  const table: Array<[string | string[] | undefined, BasicParse['kind'], string]> = [
    [undefined, 'missing', 'no header'],
    ['', 'missing', 'empty header'],
    ['Bearer abc', 'missing', 'another scheme'],
    ['Digest username="a"', 'missing', 'another scheme with parameters'],
    [`Token ${b64('a:b')}`, 'missing', 'another scheme with valid-looking credentials'],
    [`Basicx ${b64('a:b')}`, 'missing', 'a scheme that only starts with basic'],
    [b64('a:b'), 'missing', 'credentials without a scheme'],
    [` Basic ${b64('a:b')}`, 'missing', 'a leading space gives an empty scheme'],
    [`Basic\t${b64('a:b')}`, 'missing', 'a tab is not the separator'],
    ['Basic', 'invalid', 'the scheme alone'],
    ['Basic ', 'invalid', 'the scheme and a space'],
    ['basic    ', 'invalid', 'only spaces after the scheme'],
    [`Basic ${b64('nocolon')}`, 'invalid', 'no colon'],
    ['Basic notabase64token', 'invalid', 'not padded base64 (FastAPI test)'],
    [`Basic ${b64('johnsecret')}`, 'invalid', 'FastAPI\'s "non basic credentials" test'],
    ['Basic YQ', 'invalid', 'missing padding'],
    ['Basic YWI', 'invalid', 'missing padding (3 characters)'],
    ['Basic YQ=', 'invalid', 'short padding'],
    ['Basic Y', 'invalid', 'a single character'],
    ['Basic Y===', 'invalid', 'three padding characters'],
    ['Basic YQ===', 'invalid', 'extra padding'],
    ['Basic =YWJj', 'invalid', 'padding at the start'],
    ['Basic YQ==YQ==', 'invalid', 'data after padding'],
    ['Basic ====', 'invalid', 'padding only'],
    ['Basic !!!!', 'invalid', 'nothing from the alphabet'],
    [`Basic ${b64bytes([0x61, 0x3a, 0xff])}`, 'invalid', 'invalid UTF-8 (0xff)'],
    [`Basic ${b64bytes([0x61, 0x3a, 0xc3])}`, 'invalid', 'truncated UTF-8 sequence'],
    [`Basic ${b64bytes([0x61, 0x3a, 0xc0, 0xaf])}`, 'invalid', 'overlong UTF-8'],
    [`Basic ${b64bytes([0x61, 0x3a, 0xed, 0xa0, 0x80])}`, 'invalid', 'UTF-8 encoded surrogate'],
    [`Basic ${b64bytes([0xe9, 0x3a, 0x70])}`, 'invalid', 'Latin-1 bytes'],
    [[`Basic ${b64('a:b')}`, `Basic ${b64('c:d')}`], 'invalid', 'a repeated header'],
    [[], 'invalid', 'an empty array'],
    [`Basic ${'A'.repeat(MAX_AUTHORIZATION_LENGTH)}`, 'invalid', 'oversized'],
    [`Bearer ${'A'.repeat(MAX_AUTHORIZATION_LENGTH)}`, 'invalid', 'oversized, whatever the scheme'],
  ]
  t.ok(table.length >= 25)
  for (const [header, kind, label] of table) {
    const parsed = parseBasicAuthorization(header)
    t.equal(parsed.kind, kind, label)
    if (parsed.kind === 'invalid') t.type(parsed.reason, 'string', `${label}: has a reason`)
  }
})

t.test('the length limit is inclusive', async t => {
  // 'Basic ' (6) + two spaces Python's decoder drops (2) + 8184 base64 characters = 8192.
  const password = 'p'.repeat(8184 / 4 * 3 - 2)
  const atLimit = `Basic   ${b64(`u:${password}`)}`
  t.equal(atLimit.length, MAX_AUTHORIZATION_LENGTH)
  t.strictSame(parseBasicAuthorization(atLimit), { kind: 'ok', username: 'u', password })
  t.match(parseBasicAuthorization(`${atLimit} `), { kind: 'invalid', reason: /longer than 8192/ })
})

t.test('reasons tell the failures apart', async t => {
  t.match(parseBasicAuthorization(['a']), { reason: /several/ })
  t.match(parseBasicAuthorization('Basic YQ'), { reason: /base64/ })
  t.match(parseBasicAuthorization(`Basic ${b64bytes([0xff])}`), { reason: /UTF-8/ })
  t.match(parseBasicAuthorization(`Basic ${b64('x')}`), { reason: /":"/ })
})

t.test('values outside the type never throw', async t => {
  const parse = parseBasicAuthorization as (header: unknown) => BasicParse
  t.strictSame(parse(null), { kind: 'missing' })
  t.equal(parse(42).kind, 'invalid')
  t.equal(parse({ toString: () => 'Basic YTpi' }).kind, 'invalid')
  t.equal(parse(Symbol('x')).kind, 'invalid')
})

t.test('encodeBasic', async t => {
  t.equal(encodeBasic('john', 'secret'), 'Basic am9objpzZWNyZXQ=')
  t.equal(encodeBasic('Sebastián', 'x'), `Basic ${Buffer.from('Sebastián:x').toString('base64')}`)
  t.equal(encodeBasic('', ''), 'Basic Og==')
  t.equal(encodeBasic('u', 'a:b'), `Basic ${b64('u:a:b')}`)
  t.throws(() => encodeBasic('a:b', 'c'), { code: 'RC_ERR_AUTH_OPTION', message: /cannot contain ":"/ })
  t.throws(() => encodeBasic('a\uD800', 'c'), RoutecraftError)
  t.throws(() => encodeBasic('a', 'c\uDC00'), { code: 'RC_ERR_AUTH_OPTION', message: /surrogate/ })
})

t.test('property: encodeBasic round-trips through parseBasicAuthorization', async t => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary' }).filter(u => !u.includes(':')),
      fc.string({ unit: 'binary' }),
      (username, password) => {
        const parsed = parseBasicAuthorization(encodeBasic(username, password))
        // The whole header may exceed the limit for long strings; everything else must round-trip.
        if (encodeBasic(username, password).length > MAX_AUTHORIZATION_LENGTH) return parsed.kind === 'invalid'
        return parsed.kind === 'ok' && parsed.username === username && parsed.password === password
      },
    ),
    { numRuns: 10000 },
  )
  t.pass('10000 runs')
})

t.test('property: never throws, always one of the three kinds', async t => {
  const header = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'binary-ascii' }).map(s => `Basic ${s}`),
    fc.string({ unit: fc.constantFrom(...'ABCabc019+/= :-_\t'.split('')) }).map(s => `basic ${s}`),
    fc.uint8Array().map(bytes => `Basic ${Buffer.from(bytes).toString('base64')}`),
    fc.array(fc.string()),
    fc.constant(undefined),
  )
  fc.assert(
    fc.property(header, h => {
      const parsed = parseBasicAuthorization(h)
      if (parsed.kind === 'ok') return typeof parsed.username === 'string' && typeof parsed.password === 'string' && !parsed.username.includes(':')
      if (parsed.kind === 'invalid') return typeof parsed.reason === 'string'
      return parsed.kind === 'missing'
    }),
    { numRuns: 10000 },
  )
  t.pass('10000 runs')
})
