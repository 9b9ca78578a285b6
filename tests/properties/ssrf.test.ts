// Properties of the SSRF guard (issue 8, part 2): isPrivateAddress agrees with an independent
// oracle (node:net's BlockList over the reserved ranges), whatever the spelling of the address,
// and refuseUrl sees through the URL parser's numeric host forms. fc.assert prints the seed
// and the counterexample on failure.
import t from 'tap'
import fc from 'fast-check'
import { BlockList } from 'node:net'
import { isPrivateAddress } from '../../src/webhooks/index.js'
import { refuseUrl } from '../../src/webhooks/ssrf.js'

const RUNS = { numRuns: 10_000 }

// The IPv4 ranges that are not the public internet (IANA special-purpose registry, RFC 6890
// and successors), written out here independently of src/webhooks/ssrf.ts.
const reserved4: Array<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
]
const oracle4 = new BlockList()
for (const [net, bits] of reserved4) oracle4.addSubnet(net, bits, 'ipv4')

// IPv6 outside the IPv4 embeddings: only global unicast 2000::/3 is public, minus these.
const reservedInGlobal6 = new BlockList()
reservedInGlobal6.addSubnet('2001::', 23, 'ipv6')
reservedInGlobal6.addSubnet('2001:db8::', 32, 'ipv6')
reservedInGlobal6.addSubnet('3fff::', 20, 'ipv6')

const dotted = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
const hex16 = (n: number): string => n.toString(16)
const uint32 = fc.nat({ max: 0xffffffff })

/** Addresses drawn both uniformly and from inside/at the edges of the reserved blocks. */
const ipv4Number = fc.oneof(
  uint32,
  fc.tuple(fc.constantFrom(...reserved4), uint32).map(([[net, bits], host]) => {
    const base = net.split('.').reduce((n, p) => n * 256 + Number(p), 0)
    const size = 2 ** (32 - bits)
    return base + (host % size)
  }),
  fc.tuple(fc.constantFrom(...reserved4), fc.constantFrom(-1, 0)).map(([[net, bits], edge]) => {
    const base = net.split('.').reduce((n, p) => n * 256 + Number(p), 0)
    return (edge === 0 ? base + 2 ** (32 - bits) : base - 1 + 2 ** 32) % 2 ** 32
  }),
)

t.test('property: IPv4 addresses are private exactly when the oracle says so', async t => {
  fc.assert(fc.property(ipv4Number, n => isPrivateAddress(dotted(n)) === oracle4.check(dotted(n), 'ipv4')), RUNS)
  t.pass('10000 runs')
})

t.test('property: every IPv6 form that embeds an IPv4 address is judged by that address', async t => {
  fc.assert(fc.property(ipv4Number, fc.nat({ max: 0xffff }), fc.boolean(), (n, low, upper) => {
    const v4 = dotted(n)
    const hi = hex16(Math.floor(n / 65536))
    const lo = hex16(n % 65536)
    const forms = [
      `::ffff:${v4}`, `::ffff:${hi}:${lo}`, `0:0:0:0:0:ffff:${hi}:${lo}`, `[::ffff:${v4}]`, // IPv4-mapped
      `::ffff:0:${v4}`, `0000:0000:0000:0000:ffff:0000:${hi}:${lo}`, // IPv4-translated
      `64:ff9b::${v4}`, `64:ff9b::${hi}:${lo}`, // NAT64
      `2002:${hi}:${lo}::${hex16(low)}`, `2002:${hi}:${lo}:${hex16(low)}::1`, // 6to4
    ].map(f => (upper ? f.toUpperCase() : f))
    const expected = oracle4.check(v4, 'ipv4')
    return forms.every(f => isPrivateAddress(f) === expected)
  }), RUNS)
  t.pass('10000 runs')
})

t.test('property: other IPv6 addresses are public only inside 2000::/3 minus the reserved blocks', async t => {
  const group = fc.nat({ max: 0xffff })
  const address = fc.tuple(fc.oneof(group, fc.constantFrom(0x2001, 0x3fff, 0xfe80, 0xfc00, 0xfd12, 0xff02, 0)), fc.array(group, { minLength: 7, maxLength: 7 }))
    // The IPv4 embeddings (mapped, translated, NAT64, 6to4) have their own property above.
    .filter(([g0, rest]) => g0 !== 0x2002 && !(g0 === 0x64 && rest[0] === 0xff9b) && !(g0 === 0 && rest.slice(0, 3).every(x => x === 0)))
  fc.assert(fc.property(address, fc.boolean(), ([g0, rest], compress) => {
    const groups = [g0, ...rest].map(hex16)
    const text = compress ? groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::') : groups.join(':')
    const full = groups.join(':')
    const isGlobal = (g0 & 0xe000) === 0x2000
    const expected = !isGlobal || reservedInGlobal6.check(full, 'ipv6')
    return isPrivateAddress(text) === expected && isPrivateAddress(`[${text}]`) === expected && isPrivateAddress(`${text}%eth0`) === expected
  }), RUNS)
  t.pass('10000 runs')
})

t.test('property: refuseUrl sees the address behind decimal, hex, octal and short host forms', async t => {
  fc.assert(fc.property(ipv4Number, fc.constantFrom('decimal', 'hex', 'octal', 'dotted', 'short'), (n, form) => {
    const host = form === 'decimal'
      ? String(n)
      : form === 'hex'
        ? `0x${n.toString(16)}`
        : form === 'octal'
          ? `0${n.toString(8)}`
          : form === 'short'
            ? `${n >>> 24}.${n % 2 ** 24}` // a.b24: the URL parser's two-part form
            : dotted(n)
    const refused = refuseUrl(new URL(`http://${host}:8080/hook`)) !== undefined
    return refused === oracle4.check(dotted(n), 'ipv4') && refuseUrl(new URL(`http://${host}/`), true) === undefined
  }), RUNS)
  t.pass('10000 runs')
})

t.test('property: anything that is not an IP address fails closed', async t => {
  fc.assert(fc.property(fc.oneof(fc.domain(), fc.string({ unit: 'binary-ascii', maxLength: 20 })), s => {
    // Strings that happen to be addresses are covered above.
    fc.pre(!/^[\d.]+$/.test(s) && !s.includes(':'))
    return isPrivateAddress(s)
  }), RUNS)
  t.pass('10000 runs')
})
