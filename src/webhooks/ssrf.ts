/**
 * The SSRF guard: a webhook URL comes from a user of the sending service, so without a guard
 * "send me a webhook at http://169.254.169.254/…" reads the cloud metadata service, and
 * "http://localhost:6379/" talks to the sender's own Redis.
 *
 * Two checks, because one is not enough: {@link assertPublicTarget} refuses early (a clear
 * outcome, nothing sent), and {@link publicOnlyLookup} vets the addresses again inside the
 * connection itself, so a name that resolved to a public address during the check and to
 * 127.0.0.1 a moment later (DNS rebinding) still cannot reach a private address: the address
 * connected to is the address checked.
 */
import { lookup as dnsLookup } from 'node:dns'
import type { LookupAddress } from 'node:dns'
import { isIP } from 'node:net'
import type { LookupFunction } from 'node:net'
import { errorDetail, RoutecraftError } from '../errors.js'

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

// [network, prefix length]: everything here is not reachable on the public internet, or is
// this host, its LAN, its cloud provider's metadata service, or a reserved block.
const ipv4Blocks: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network", includes the unspecified address
  [0x0a000000, 8], // 10/8 private
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local, cloud metadata
  [0xac100000, 12], // 172.16/12 private
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0000200, 24], // 192.0.2/24 documentation
  [0xc0586300, 24], // 192.88.99/24 6to4 relay anycast
  [0xc0a80000, 16], // 192.168/16 private
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xc6336400, 24], // 198.51.100/24 documentation
  [0xcb007100, 24], // 203.0.113/24 documentation
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved, includes 255.255.255.255 broadcast
]

function ipv4Number (ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0)
}

function isPrivateIPv4 (n: number): boolean {
  return ipv4Blocks.some(([network, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(network / 2 ** (32 - bits)))
}

/** Eight 16-bit groups; the input is already known to be valid IPv6 (net.isIPv6). */
function ipv6Groups (ip: string): number[] {
  let text = ip
  const lastColon = text.lastIndexOf(':')
  const tail = text.slice(lastColon + 1)
  if (tail.includes('.')) {
    const n = ipv4Number(tail)
    text = `${text.slice(0, lastColon + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`
  }
  const [head, rest] = text.split('::') as [string, string | undefined]
  const parse = (part: string): number[] => part === '' ? [] : part.split(':').map(g => parseInt(g, 16))
  const left = parse(head)
  if (rest === undefined) return left
  const right = parse(rest)
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
}

function isPrivateIPv6 (g: number[]): boolean {
  const v4 = (hi: number, lo: number): boolean => isPrivateIPv4(hi * 65536 + lo)
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every(x => x === 0)
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d: the IPv4 address decides.
  if (zeros(0, 5) && g[5] === 0xffff) return v4(g[6]!, g[7]!)
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return v4(g[6]!, g[7]!)
  // NAT64 64:ff9b::a.b.c.d reaches the embedded IPv4 address through the NAT64 gateway.
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6]!, g[7]!)
  // 6to4 2002:aabb:ccdd::/48 carries a.b.c.d.
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!)
  // Only global unicast (2000::/3) is public. Outside it: ::, ::1, the deprecated
  // IPv4-compatible ::a.b.c.d, 64:ff9b:1::/48 local NAT64, 100::/64 discard, fc00::/7
  // unique-local, fe80::/10 link-local, fec0::/10 site-local, ff00::/8 multicast.
  if ((g[0]! & 0xe000) !== 0x2000) return true
  // Inside it: 2001::/23 IETF assignments (Teredo, benchmarking, ORCHID), 2001:db8::/32 and
  // 3fff::/20 documentation.
  if (g[0] === 0x2001 && g[1]! < 0x200) return true
  if (g[0] === 0x2001 && g[1] === 0xdb8) return true
  return g[0] === 0x3fff && g[1]! < 0x1000
}

/**
 * Whether an address must not be a webhook target: loopback, private, link-local, CGNAT,
 * unique-local, unspecified, multicast, broadcast, reserved or documentation ranges, and the
 * IPv4-mapped, NAT64 and 6to4 forms of those. Accepts `[::1]` and zone ids (`fe80::1%eth0`).
 * Anything that is not an IP address gives `true`, so a caller fails closed.
 *
 * @example
 * ```ts
 * isPrivateAddress('169.254.169.254') // true
 * isPrivateAddress('::ffff:127.0.0.1') // true
 * isPrivateAddress('93.184.216.34') // false
 * ```
 */
export function isPrivateAddress (ip: string): boolean {
  if (typeof ip !== 'string') return true
  const bare = ip.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')
  const family = isIP(bare)
  if (family === 4) return isPrivateIPv4(ipv4Number(bare))
  if (family === 6) return isPrivateIPv6(ipv6Groups(bare))
  return true
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

/**
 * A webhook target the guard refused (`RC_ERR_WEBHOOK_TARGET`). Its `detail` (the message
 * without the code, `refused target: …`) is what a send outcome reports; `reason` is the why.
 *
 * @example
 * ```ts
 * try { await assertPublicTarget(new URL('http://localhost/')) }
 * catch (err) { if (err instanceof TargetRefusedError) console.log(err.reason) }
 * ```
 */
export class TargetRefusedError extends RoutecraftError {
  override name = 'TargetRefusedError'
  /** Why the target is refused: `localhost resolves to 127.0.0.1, a private, loopback or reserved address`. */
  readonly reason: string

  constructor (reason: string) {
    super('RC_ERR_WEBHOOK_TARGET', errorDetail('RC_ERR_WEBHOOK_TARGET', 'refused', { reason }))
    this.reason = reason
  }
}

/**
 * Resolves a host name to all its addresses (node:dns `lookup` with `all: true` by default);
 * replaceable so tests and custom resolvers can stand in for DNS.
 *
 * @example
 * ```ts
 * const resolve: ResolveAll = async () => [{ address: '93.184.216.34', family: 4 }]
 * ```
 */
export type ResolveAll = (hostname: string, family?: number) => Promise<LookupAddress[]>

const resolveWithDns: ResolveAll = (hostname, family) => new Promise((resolve, reject) => {
  dnsLookup(hostname, { all: true, family }, (err, addresses) => {
    if (err) reject(err)
    else resolve(addresses)
  })
})

function hostOf (url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

/**
 * The checks that need no DNS: the scheme, and (unless `allowPrivateNetwork`) a literal IP
 * address in the URL (the URL parser has already turned `http://2130706433/` and
 * `http://0x7f.1/` into `127.0.0.1`). Returns the reason for refusing, or `undefined`.
 *
 * @example
 * ```ts
 * refuseUrl(new URL('http://0x7f.1/')) // '127.0.0.1 is a private, loopback or reserved address'
 * refuseUrl(new URL('https://hooks.example.com/')) // undefined
 * ```
 */
export function refuseUrl (url: URL, allowPrivateNetwork = false): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http: and https: URLs can receive webhooks, not ${url.protocol}`
  const host = hostOf(url)
  if (!allowPrivateNetwork && isIP(host) !== 0 && isPrivateAddress(host)) return `${host} is a private, loopback or reserved address`
  return undefined
}

function refuseAddresses (hostname: string, addresses: readonly LookupAddress[]): TargetRefusedError | undefined {
  if (addresses.length === 0) return new TargetRefusedError(`${hostname} resolved to no address`)
  const bad = addresses.find(a => isPrivateAddress(a.address))
  if (bad !== undefined) return new TargetRefusedError(`${hostname} resolves to ${bad.address}, a private, loopback or reserved address`)
  return undefined
}

/**
 * Refuses (with {@link TargetRefusedError}) a URL that is not http(s), or whose host is, or
 * resolves to ANY, private address. DNS failures reject with node's own error: a name that
 * does not resolve is a network problem, not a refusal.
 *
 * @example
 * ```ts
 * await assertPublicTarget(new URL('https://hooks.example.com/in')) // ok
 * await assertPublicTarget(new URL('http://169.254.169.254/latest/meta-data/')) // throws
 * ```
 */
export async function assertPublicTarget (url: URL, options: { resolve?: ResolveAll } = {}): Promise<void> {
  const reason = refuseUrl(url)
  if (reason !== undefined) throw new TargetRefusedError(reason)
  const host = hostOf(url)
  if (isIP(host) !== 0) return
  const refusal = refuseAddresses(host, await (options.resolve ?? resolveWithDns)(host))
  if (refusal !== undefined) throw refusal
}

/**
 * A `lookup` for node:net/http/https that resolves, refuses the connection if any address is
 * private, and hands only vetted addresses to the socket. Use it with your own HTTP client
 * too: `http.request(url, { lookup: publicOnlyLookup() })`.
 *
 * @example
 * ```ts
 * import { request } from 'node:https'
 * request('https://hooks.example.com/in', { method: 'POST', lookup: publicOnlyLookup() })
 * ```
 */
export function publicOnlyLookup (resolve: ResolveAll = resolveWithDns): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === 'number' ? options.family : options.family === 'IPv6' ? 6 : options.family === 'IPv4' ? 4 : 0
    // Callbacks run on a later tick, outside the promise, so that a throwing callback is an
    // ordinary exception (as with node's own lookup), never an unhandled rejection.
    resolve(hostname, family).then(addresses => {
      const refusal = refuseAddresses(hostname, addresses)
      process.nextTick(() => {
        if (refusal !== undefined) callback(refusal, '', 0)
        else if (options.all === true) callback(null, addresses)
        else callback(null, addresses[0]!.address, addresses[0]!.family)
      })
    }, (err: NodeJS.ErrnoException) => { process.nextTick(() => callback(err, '', 0)) })
  }
}
