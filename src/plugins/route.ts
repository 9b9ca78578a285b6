/**
 * route(): a declaration → a Fastify plugin that carries its Operation
 * (declare, then compile).
 */
import { declareRoute } from '../declare/route.js'
import { guardDeclaration } from '../declare/json.js'
import { compileRoute } from '../compile/route.js'
import type { DepsMap, ResponsesMap, RouteDeclaration, RoutePlugin, RouteTypes, SchemaSlot } from '../declare/types.js'

/**
 * Declares a route: the request parts as TypeBox schemas (validated, and typed into the
 * handler's context), a response model that filters what is sent, OpenAPI metadata, and the
 * handler. Returns a Fastify plugin; register it like any other, prefixes included (the
 * routes of one scope share one context). Everything that can be checked or compiled is done here, once.
 *
 * @example
 * ```ts
 * app.register(route({
 *   method: 'GET', url: '/items/{item_id}',
 *   params: Type.Object({ item_id: Type.String() }),
 *   response: Item,
 *   handler: function read_item ({ params }) { return items[params.item_id] },
 * }))
 * ```
 */
export function route<
  P extends SchemaSlot = undefined, Q extends SchemaSlot = undefined, H extends SchemaSlot = undefined,
  C extends SchemaSlot = undefined, B extends SchemaSlot = undefined, R extends SchemaSlot = undefined,
  D extends DepsMap = Record<never, never>, Raw extends boolean | undefined = undefined,
  S extends number = 200, Rs extends ResponsesMap = Record<never, never>
> (decl: RouteDeclaration<P, Q, H, C, B, R, D, Raw, S, Rs>): RoutePlugin<RouteTypes<P, Q, H, C, B, R, Raw, S, Rs>> {
  const { operation, where } = guardDeclaration('route()', () => declareRoute(decl as never))
  // The declaration's types ride along on the plugin's type, for typed test clients.
  return compileRoute(operation, where) as RoutePlugin<RouteTypes<P, Q, H, C, B, R, Raw, S, Rs>>
}
