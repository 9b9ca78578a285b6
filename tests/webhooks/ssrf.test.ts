import t from 'tap'
import type { LookupAddress } from 'node:dns'
import type { LookupOptions } from 'node:dns'
import { assertPublicTarget, isPrivateAddress, publicOnlyLookup, refuseUrl, TargetRefusedError } from '../../src/webhooks/ssrf.js'
import type { ResolveAll } from '../../src/webhooks/ssrf.js'
import { trackUnhandledRejections } from '../support/webhooks.js'

const unhandled = trackUnhandledRejections()

t.test('isPrivateAddress: refused addresses', async t => {
  const refused = [
    '127.0.0.1', '127.255.255.254', '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.255',
    '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.168.0.1', '192.168.255.255', '192.0.0.8', '192.0.2.1',
    '192.88.99.1', '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250',
    '240.0.0.1', '255.255.255.255',
    '::', '::1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254',
    '::ffff:0:127.0.0.1', '::127.0.0.1', '::8.8.8.8', '64:ff9b::127.0.0.1', '64:ff9b::a00:1', '64:ff9b:1::1',
    '2002:7f00:1::1', '2002:a9fe:a9fe::', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fec0::1', 'fc00::1', 'fd12:3456::1',
    'ff02::1', '100::1', '2001::1', '2001:0:4136:e378::1', '2001:db8::1', '2001:10::1', '3fff::1', '3fff:fff::1',
    '1fff:ffff::1', '4000::1', 'e000::1', 'fe80:0:0:0:0:0:0:1', '0:0:0:0:0:ffff:7f00:1',
    'localhost', 'example.com', '', '1.2.3', '256.1.1.1', 'not an ip',
  ]
  for (const ip of refused) t.equal(isPrivateAddress(ip), true, ip)
  t.equal(isPrivateAddress(undefined as unknown as string), true, 'not a string')
})

t.test('isPrivateAddress: public addresses', async t => {
  const allowed = [
    '1.1.1.1', '8.8.8.8', '93.184.216.34', '9.255.255.255', '11.0.0.1', '100.63.255.255', '100.128.0.1', '126.255.255.255',
    '128.0.0.1', '169.253.255.255', '169.255.0.1', '172.15.255.255', '172.32.0.1', '192.0.1.1', '192.167.255.255',
    '192.169.0.1', '198.17.255.255', '198.20.0.1', '223.255.255.255',
    '2606:4700:4700::1111', '2001:4860:4860::8888', '[2a00:1450:4001:80b::200e]', '::ffff:8.8.8.8', '::ffff:0:8.8.8.8',
    '64:ff9b::808:808', '2002:808:808::1', '2606:4700:4700:0:0:0:0:1111', '2001:200::1', '2001:db9::1', '3ffe::1', '3fff:1000::1',
  ]
  for (const ip of allowed) t.equal(isPrivateAddress(ip), false, ip)
})

t.test('refuseUrl: schemes and literal addresses, after the URL parser normalised them', async t => {
  const cases: Array<[string, RegExp]> = [
    ['ftp://example.com/', /only http: and https:/],
    ['file:///etc/passwd', /only http: and https:/],
    ['javascript:alert(1)', /only http: and https:/],
    ['http://127.0.0.1/', /127\.0\.0\.1 is a private/],
    ['http://2130706433/', /127\.0\.0\.1 is a private/],
    ['http://0x7f.1/', /127\.0\.0\.1 is a private/],
    ['http://017700000001/', /127\.0\.0\.1 is a private/],
    ['http://127.1/', /127\.0\.0\.1 is a private/],
    ['http://0/', /0\.0\.0\.0 is a private/],
    ['http://[::1]:8080/', /::1 is a private/],
    ['http://[::ffff:127.0.0.1]/', /::ffff:7f00:1 is a private/],
    ['http://[::]/', /:: is a private/],
    ['https://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a private/],
    ['http://10.0.0.1/', /10\.0\.0\.1 is a private/],
  ]
  for (const [url, reason] of cases) t.match(refuseUrl(new URL(url)), reason, url)
  t.equal(refuseUrl(new URL('https://hooks.example.com/in')), undefined)
  t.equal(refuseUrl(new URL('http://93.184.216.34/')), undefined)
  t.equal(refuseUrl(new URL('http://[2606:4700:4700::1111]/')), undefined)
  t.equal(refuseUrl(new URL('http://127.0.0.1/'), true), undefined, 'allowPrivateNetwork skips the address check')
  t.match(refuseUrl(new URL('ftp://127.0.0.1/'), true), /only http/, '...but never the scheme check')
})

const stub = (...answers: Array<LookupAddress[] | Error>): ResolveAll & { calls: Array<[string, number | undefined]> } => {
  const calls: Array<[string, number | undefined]> = []
  const fn = async (host: string, family?: number): Promise<LookupAddress[]> => {
    calls.push([host, family])
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!
    if (answer instanceof Error) throw answer
    return answer
  }
  return Object.assign(fn, { calls })
}

t.test('assertPublicTarget', async t => {
  await t.resolves(assertPublicTarget(new URL('http://93.184.216.34/')), 'a public literal needs no DNS')
  await t.resolves(assertPublicTarget(new URL('http://[2606:4700:4700::1111]/')))
  await t.rejects(assertPublicTarget(new URL('gopher://example.com/')), TargetRefusedError)
  await t.rejects(assertPublicTarget(new URL('http://2130706433/')), { code: 'RC_ERR_WEBHOOK_TARGET', detail: /127\.0\.0\.1/ })

  const pub = stub([{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::', family: 6 }])
  await t.resolves(assertPublicTarget(new URL('https://hooks.example.com/'), { resolve: pub }))
  t.same(pub.calls, [['hooks.example.com', undefined]])

  const mixed = stub([{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }])
  await t.rejects(assertPublicTarget(new URL('https://hooks.example.com/'), { resolve: mixed }),
    {
      name: 'TargetRefusedError',
      code: 'RC_ERR_WEBHOOK_TARGET',
      reason: 'hooks.example.com resolves to 10.1.2.3, a private, loopback or reserved address',
      detail: 'refused target: hooks.example.com resolves to 10.1.2.3, a private, loopback or reserved address',
      message: 'RC_ERR_WEBHOOK_TARGET: refused target: hooks.example.com resolves to 10.1.2.3, a private, loopback or reserved address',
    }, 'ANY private address refuses')
  await t.rejects(assertPublicTarget(new URL('https://nothing.example/'), { resolve: stub([]) }), { name: 'TargetRefusedError', reason: /resolved to no address/ })
  const dnsDown = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })
  await t.rejects(assertPublicTarget(new URL('https://gone.example/'), { resolve: stub(dnsDown) }), { code: 'ENOTFOUND' },
    'DNS failures are not refusals')
  await t.rejects(assertPublicTarget(new URL('http://localhost:3000/')), { name: 'TargetRefusedError', reason: /^localhost resolves to/ }, 'real DNS: localhost')
})

function call (lookup: ReturnType<typeof publicOnlyLookup>, host: string, options: LookupOptions): Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family: unknown }> {
  return new Promise(resolve => lookup(host, options, (err, address, family) => resolve({ err, address, family })))
}

t.test('publicOnlyLookup vets inside the connection, the answer each time', async t => {
  const rebinding = stub([{ address: '93.184.216.34', family: 4 }], [{ address: '127.0.0.1', family: 4 }])
  const lookup = publicOnlyLookup(rebinding)
  t.same(await call(lookup, 'rebind.example', { all: true }), { err: null, address: [{ address: '93.184.216.34', family: 4 }], family: undefined })
  const second = await call(lookup, 'rebind.example', { all: true })
  t.type(second.err, TargetRefusedError, 'the second answer (rebound to 127.0.0.1) is refused')

  const pub = stub([{ address: '2606:2800:220:1::', family: 6 }, { address: '93.184.216.34', family: 4 }])
  const single = publicOnlyLookup(pub)
  t.same(await call(single, 'a.example', {}), { err: null, address: '2606:2800:220:1::', family: 6 }, 'all: false gives the first address')
  await call(single, 'a.example', { family: 6 })
  await call(single, 'a.example', { family: 'IPv4' })
  await call(single, 'a.example', { family: 'IPv6' })
  t.same(pub.calls.map(c => c[1]), [0, 6, 4, 6], 'the family is passed on as a number')

  const failing = publicOnlyLookup(stub(Object.assign(new Error('nope'), { code: 'EAI_AGAIN' })))
  t.match((await call(failing, 'x.example', {})).err, { code: 'EAI_AGAIN' })

  const real = publicOnlyLookup()
  t.type((await call(real, 'localhost', { all: true })).err, TargetRefusedError, 'real DNS by default')
  t.match((await call(real, 'nothing.invalid', {})).err, { code: /^(ENOTFOUND|EAI_AGAIN|EAI_FAIL|ESERVFAIL)$/ }, 'a real DNS failure is passed on')
})

t.test('no unhandled rejection during the suite', async t => {
  await new Promise(resolve => setTimeout(resolve, 20))
  t.equal(unhandled.count(), 0)
})
