/**
 * HTTP rules several rooms check: a token (header names, auth scheme names), a status code's
 * range, the statuses that have no body.
 */

/** RFC 9110 `token`: header field names, auth scheme names. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * Whether `value` is an integer status code from `from` to 599: 100 for any status, 200 for a
 * final one (a 1xx is interim), 400 for an error.
 */
export function isStatus (value: unknown, from: 100 | 200 | 400 = 100): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= from && value <= 599
}

/** Whether a response with this status has no body: 1xx, 204 No Content, 304 Not Modified. */
export function hasNoBody (status: number): boolean {
  return status === 204 || status === 304 || status < 200
}
