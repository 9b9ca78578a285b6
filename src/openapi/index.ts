/**
 * `routecraft/openapi`: the pure functions of the OpenAPI merger, for documents built by hand
 * or checked in tests.
 */
export { deepMerge } from './merge.js'
export { cleandoc, cleanDescription } from './docstring.js'
export { generateUniqueId, summaryFromName } from './operation-id.js'
