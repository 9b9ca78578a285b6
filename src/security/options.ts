/**
 * The option checks shared by the security builders: an unknown key, a non-boolean
 * `autoError`, a bad `schemeName` or a non-string `description` is an `RC_ERR_AUTH_OPTION`
 * when the guard is declared, never a surprise at request time.
 */
import { routecraftError } from '../errors.js'
import { unknownKey } from '../common/objects.js'

/** What every security builder accepts. */
export interface CommonAuthOptions {
  /** `false`: a request without credentials resolves to `undefined` instead of a 401. */
  autoError?: boolean
  /** The name under `components.securitySchemes`. */
  schemeName?: string
  /** The scheme's description in the document. */
  description?: string
}

/** Throws `RC_ERR_AUTH_OPTION` for a misused option; returns the options with defaults. */
export function checkAuthOptions<O extends CommonAuthOptions> (options: O, keys: readonly string[], builder: string, defaultName: string): O & { autoError: boolean; schemeName: string } {
  const where = `${builder}()`
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw routecraftError('RC_ERR_AUTH_OPTION', 'options', { where })
  }
  const known = new Set(['autoError', 'schemeName', 'description', ...keys])
  const unknown = unknownKey(options, known)
  if (unknown !== undefined) throw routecraftError('RC_ERR_AUTH_OPTION', 'unknown', { where, key: unknown, known })
  const { autoError = true, schemeName = defaultName, description } = options
  if (typeof autoError !== 'boolean') throw routecraftError('RC_ERR_AUTH_OPTION', 'autoError', { where })
  if (typeof schemeName !== 'string' || !/^[\w.-]+$/.test(schemeName)) {
    throw routecraftError('RC_ERR_AUTH_OPTION', 'schemeName', { where })
  }
  if (description !== undefined && typeof description !== 'string') throw routecraftError('RC_ERR_AUTH_OPTION', 'description', { where })
  return { ...options, autoError, schemeName }
}

/** `{ description }` when set, `{}` otherwise: FastAPI leaves a missing description out. */
export function describedBy (description: string | undefined): { description?: string } {
  return description === undefined ? {} : { description }
}
