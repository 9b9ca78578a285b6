import t from 'tap'
import fc from 'fast-check'
import { Webhook } from 'standardwebhooks'
import { RoutecraftError } from '../../src/errors.js'
import { decodeSecret, newWebhookId, signingKeys, signWebhook, signWithKeys, verifySignature } from '../../src/webhooks/sign.js'
import { OLD_SECRET, SECRET } from '../support/webhooks.js'

const RUNS = { numRuns: 10_000 }
const secretArb = fc.uint8Array({ minLength: 1, maxLength: 64 }).map(b => `whsec_${Buffer.from(b).toString('base64')}`)
const idArb = fc.stringMatching(/^msg_[A-Za-z0-9_-]{1,30}$/)
const tsArb = fc.integer({ min: 0, max: 4_102_444_800 })
const bodyArb = fc.uint8Array({ maxLength: 300 })

t.test('decodeSecret accepts whsec_ and bare base64, canonical only', async t => {
  t.equal(decodeSecret(SECRET).length, 24)
  t.same(decodeSecret(SECRET), decodeSecret(SECRET.slice('whsec_'.length)))
  t.same(decodeSecret('whsec_YQ=='), Buffer.from('a'))
  t.same(decodeSecret('whsec_YQ'), Buffer.from('a'), 'padding is optional')
  for (const bad of ['', 'whsec_', 'whsec_!!!!', 'whsec_YR==', 'whsec_a', 'not base64 at all', 'whsec_YQ===']) {
    t.throws(() => decodeSecret(bad), { code: 'RC_ERR_WEBHOOK_SECRET' }, JSON.stringify(bad))
  }
  t.throws(() => decodeSecret(42 as unknown as string), { code: 'RC_ERR_WEBHOOK_SECRET', message: /got number/ })
  try {
    decodeSecret('whsec_sup3r-s3cret!')
    t.fail('should throw')
  } catch (err) {
    t.type(err, RoutecraftError)
    t.notMatch((err as Error).message, /sup3r/, 'the message never repeats the secret')
  }
})

t.test('signingKeys takes one secret or a non-empty list', async t => {
  t.equal(signingKeys(SECRET).length, 1)
  t.equal(signingKeys([OLD_SECRET, SECRET]).length, 2)
  t.throws(() => signingKeys([]), { code: 'RC_ERR_WEBHOOK_SECRET' })
  t.throws(() => signingKeys(undefined as unknown as string), { code: 'RC_ERR_WEBHOOK_SECRET' })
  t.throws(() => signingKeys([SECRET, 'whsec_*']), { code: 'RC_ERR_WEBHOOK_SECRET' })
})

t.test('newWebhookId is msg_ and 128 random bits', async t => {
  const ids = new Set(Array.from({ length: 1000 }, newWebhookId))
  t.equal(ids.size, 1000)
  t.ok([...ids].every(id => /^msg_[A-Za-z0-9_-]{22}$/.test(id)), 'every id has the shape')
})

t.test('the Standard Webhooks test vector and the reference implementation agree', async t => {
  // The vector from the Standard Webhooks spec's reference libraries.
  const sig = signWebhook(SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')
  t.equal(sig, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
  const ref = new Webhook(SECRET)
  t.equal(ref.sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), '{"test": 2432232314}'), sig)
})

t.test('rotation: one signature per secret, either verifies', async t => {
  const header = signWebhook([OLD_SECRET, SECRET], 'msg_1', 1700000000, '{}')
  const parts = header.split(' ')
  t.equal(parts.length, 2)
  t.equal(parts[0], signWebhook(OLD_SECRET, 'msg_1', 1700000000, '{}'))
  t.equal(parts[1], signWebhook(SECRET, 'msg_1', 1700000000, '{}'))
  t.ok(verifySignature(OLD_SECRET, 'msg_1', 1700000000, '{}', header))
  t.ok(verifySignature(SECRET, 'msg_1', '1700000000', '{}', header))
  t.ok(verifySignature(['whsec_YQ==', SECRET], 'msg_1', 1700000000, '{}', parts[1]!), 'the receiver may hold several secrets too')
  t.notOk(verifySignature('whsec_YQ==', 'msg_1', 1700000000, '{}', header))
})

t.test('verifySignature reads the header leniently but compares strictly', async t => {
  const sig = signWebhook(SECRET, 'msg_1', 1, 'x')
  t.ok(verifySignature(SECRET, 'msg_1', 1, 'x', `v1,bm9wZQ==, ${sig}`), 'headers joined by a proxy with ", "')
  t.ok(verifySignature(SECRET, 'msg_1', 1, 'x', `v1a,${sig.slice(3)} ${sig}`), 'unknown versions are skipped')
  t.notOk(verifySignature(SECRET, 'msg_1', 1, 'x', `v2,${sig.slice(3)}`), 'only v1 is known')
  t.notOk(verifySignature(SECRET, 'msg_1', 1, 'x', `${sig}AA`), 'a longer signature')
  t.notOk(verifySignature(SECRET, 'msg_1', 1, 'x', `${sig.slice(0, -1)}!`), 'a changed padding character')
  t.notOk(verifySignature(SECRET, 'msg_1', 1, 'x', ''), 'an empty header')
  t.notOk(verifySignature(SECRET, 'msg_2', 1, 'x', sig), 'another id')
  t.notOk(verifySignature(SECRET, 'msg_1', 2, 'x', sig), 'another timestamp')
  t.equal(signWithKeys(signingKeys(SECRET), 'msg_1', 1, 'x'), sig)
  t.ok(verifySignature(SECRET, 'msg_1', 1, Buffer.from('x'), sig), 'bytes and strings sign alike')
})

t.test('the raw bytes are signed: invalid UTF-8 bytes do not collapse into one', async t => {
  // The standardwebhooks package decodes a Buffer to a string first, so 0xff and 0xfe (both
  // U+FFFD once decoded) would sign alike there.
  const a = Buffer.from([0x7b, 0xff, 0x7d])
  const b = Buffer.from([0x7b, 0xfe, 0x7d])
  const sig = signWebhook(SECRET, 'msg_1', 1, a)
  t.ok(verifySignature(SECRET, 'msg_1', 1, a, sig))
  t.notOk(verifySignature(SECRET, 'msg_1', 1, b, sig))
})

t.test('property: sign then verify round-trips, with rotation', async t => {
  fc.assert(fc.property(secretArb, secretArb, idArb, tsArb, bodyArb, (s1, s2, id, ts, body) => {
    const header = signWebhook([s1, s2], id, ts, body)
    return verifySignature(s1, id, ts, body, header) && verifySignature(s2, id, String(ts), body, header) &&
      verifySignature([s2, s1], id, ts, body, header.split(' ')[0]!)
  }), RUNS)
  t.pass('10000 runs')
})

t.test('property: any single-byte change of the body fails verification', async t => {
  fc.assert(fc.property(secretArb, idArb, tsArb, bodyArb.filter(b => b.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), (secret, id, ts, body, at, delta) => {
    const header = signWebhook(secret, id, ts, body)
    const changed = Uint8Array.from(body)
    const i = at % changed.length
    changed[i] = (changed[i]! + delta) % 256
    return !verifySignature(secret, id, ts, changed, header)
  }), RUNS)
  t.pass('10000 runs')
})

t.test('property: any single-byte change of the signature fails verification', async t => {
  fc.assert(fc.property(secretArb, idArb, tsArb, bodyArb, fc.nat(), fc.integer({ min: 1, max: 126 }), (secret, id, ts, body, at, delta) => {
    const header = signWebhook(secret, id, ts, body)
    const i = at % header.length
    // Any other printable ASCII character, spaces and commas included.
    const code = 32 + ((header.charCodeAt(i) - 32 + delta) % 95)
    fc.pre(code !== header.charCodeAt(i))
    const changed = header.slice(0, i) + String.fromCharCode(code) + header.slice(i + 1)
    return !verifySignature(secret, id, ts, body, changed)
  }), RUNS)
  t.pass('10000 runs')
})

t.test('property: interoperable with the standardwebhooks reference, both ways', async t => {
  fc.assert(fc.property(secretArb, idArb, fc.integer({ min: 0, max: 4_102_444_800 }), fc.string({ unit: 'binary', maxLength: 200 }), (secret, id, ts, body) => {
    const ref = new Webhook(secret)
    const theirs = ref.sign(id, new Date(ts * 1000), body)
    return signWebhook(secret, id, ts, body) === theirs && verifySignature(secret, id, ts, Buffer.from(body), theirs)
  }), RUNS)
  t.pass('10000 runs')
})
