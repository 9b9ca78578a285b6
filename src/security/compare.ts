/**
 * Constant-time string comparison for secrets (passwords, tokens, usernames).
 *
 * `crypto.timingSafeEqual` throws on buffers of different lengths, and a plain length check
 * before it leaks the secret's length. Comparing HMACs under a random per-process key instead
 * gives two 32-byte digests whatever the inputs, so the comparison time depends only on the
 * inputs' own lengths (hashing is linear in them), never on where they first differ or on the
 * secret's length. The key is random so nobody can precompute inputs with equal digests.
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

// Created once at module load: a fresh key per process is enough, it never leaves memory.
const key = randomBytes(32)

// UTF-16LE, not UTF-8: it is exactly the string's code units, so the mapping from strings to
// bytes is one-to-one. UTF-8 is not, for JavaScript strings: Node encodes every lone surrogate
// as U+FFFD, which would make '\uD800' and '\uDBFF' compare equal.
function digest (value: string): Buffer {
  return createHmac('sha256', key).update(value, 'utf16le').digest()
}

/**
 * Compares two strings in constant time whatever their lengths; `true` exactly when `a === b`.
 *
 * Works for any Unicode text (`Sebastián`), unlike Python's `secrets.compare_digest` on `str`.
 * Synchronous. A non-string argument (possible from JavaScript) gives `false`, never an
 * exception, so a missing configuration value fails closed.
 *
 * @example
 * ```ts
 * const userOk = safeCompare(credentials.username, 'stanleyjobson')
 * const passOk = safeCompare(credentials.password, 'swordfish')
 * if (!(userOk && passOk)) throw new HttpError(401, 'Incorrect username or password', { 'WWW-Authenticate': 'Basic' })
 * ```
 */
export function safeCompare (a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false
  const digestsEqual = timingSafeEqual(digest(a), digest(b))
  // Equal digests already mean equal strings but for a 2^-256 chance; the length check makes it
  // certain for strings of different lengths, and costs one integer comparison either way.
  return digestsEqual && a.length === b.length
}
