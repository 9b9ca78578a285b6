/**
 * The statuses a response may end with.
 */
import { RoutecraftError } from '../errors.js'

/**
 * Throws `RC_ERR_RESPONSE_STATUS` unless `value` is a final status, an integer from 200 to
 * 599. An interim 1xx status is written by Node as an informational line, after which the
 * client keeps waiting for a final answer that never comes.
 *
 * @example
 * ```ts
 * assertFinalStatus(201) // 201
 * assertFinalStatus(103) // throws RoutecraftError RC_ERR_RESPONSE_STATUS
 * ```
 */
export function assertFinalStatus (value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 200 || value > 599) {
    throw new RoutecraftError('RC_ERR_RESPONSE_STATUS',
      `a response status must be a final status, an integer from 200 to 599 (1xx statuses are interim and end no response), got ${typeof value === 'number' ? String(value) : typeof value}`)
  }
  return value
}
