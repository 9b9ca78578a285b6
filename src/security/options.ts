/**
 * The option checks shared by the security builders: an unknown key, a non-boolean
 * `autoError`, a bad `schemeName` or a non-string `description` is an `RC_ERR_AUTH_OPTION`
 * when the guard is declared, never a surprise at request time.
 */
import { RoutecraftError } from '../errors.js'

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
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new RoutecraftError('RC_ERR_AUTH_OPTION', `${builder}() takes an options object`)
  }
  const known = ['autoError', 'schemeName', 'description', ...keys]
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new RoutecraftError('RC_ERR_AUTH_OPTION', `${builder}(): unknown option "${key}"; known options: ${known.join(', ')}`)
  }
  const { autoError = true, schemeName = defaultName, description } = options
  if (typeof autoError !== 'boolean') throw new RoutecraftError('RC_ERR_AUTH_OPTION', `${builder}(): autoError must be a boolean`)
  if (typeof schemeName !== 'string' || !/^[\w.-]+$/.test(schemeName)) {
    throw new RoutecraftError('RC_ERR_AUTH_OPTION', `${builder}(): schemeName must be a non-empty string of letters, digits, _ . -`)
  }
  if (description !== undefined && typeof description !== 'string') throw new RoutecraftError('RC_ERR_AUTH_OPTION', `${builder}(): description must be a string`)
  return { ...options, autoError, schemeName }
}

/** `{ description }` when set, `{}` otherwise: FastAPI leaves a missing description out. */
export function describedBy (description: string | undefined): { description?: string } {
  return description === undefined ? {} : { description }
}
