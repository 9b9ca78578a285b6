/**
 * Seed: "Response - Change Status Code".
 *
 * `PUT /get-or-create-task/{task_id}` answers 200 by default; when the task did not exist it is
 * created and the temporal response (`ctx.response`, FastAPI's `response: Response`) turns the
 * status into 201. The returned value still goes out as JSON, as any return value does.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { openapi, route, titled } from '../../src/index.js'

/** The seed's module-level `tasks`; each app built gets its own copy, so apps are independent. */
export const tasks: ReadonlyMap<string, string> = new Map([['foo', 'Listen to the Bar Fighters']])

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())
  // A Map, not an object: ids such as `constructor` or `__proto__` are plain ids here.
  const appTasks = new Map(tasks)

  await app.register(route({
    method: 'PUT',
    url: '/get-or-create-task/{task_id}',
    status: 200,
    params: Type.Object(titled({ task_id: Type.String() })),
    handler: function get_or_create_task ({ params, response }) {
      if (!appTasks.has(params.task_id)) {
        appTasks.set(params.task_id, "This didn't exist before")
        response.status = 201
      }
      return appTasks.get(params.task_id)
    },
  }))
  return app
}
