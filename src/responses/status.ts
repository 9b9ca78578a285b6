/**
 * The statuses a response may end with.
 */
import { routecraftError } from '../errors.js'
import { isStatus } from '../common/http.js'

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
  if (!isStatus(value, 200)) {
    throw routecraftError('RC_ERR_RESPONSE_STATUS', 'final', { got: typeof value === 'number' ? value : typeof value })
  }
  return value
}
