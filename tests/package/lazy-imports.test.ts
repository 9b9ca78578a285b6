/**
 * Pay for what you use: importing routecraft loads neither Ajv, its formats, fast-json-stringify
 * nor the swagger plugins (Fastify loads the first three itself when an app gets ready, or a
 * plugin registers routes with schemas; the swagger plugins come with openapi()). Run in a fresh process (a module, once loaded, stays),
 * through tsx as the README snippets are.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { unmeasuredEnv } from '../support/child-env.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))

// The CommonJS modules whose loading the child reports (require.cache holds them, also when
// loaded from ESM). Fastify itself loads only fast-json-stringify's lib/serializer.js.
const WATCHED = {
  ajv: '/node_modules/ajv/dist/ajv.js',
  'ajv-formats': '/node_modules/ajv-formats/dist/index.js',
  'fast-json-stringify': '/node_modules/fast-json-stringify/index.js',
  '@fastify/swagger': '/node_modules/@fastify/swagger/index.js',
  '@fastify/swagger-ui': '/node_modules/@fastify/swagger-ui/index.js',
}

const CHILD = `
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const watched = ${JSON.stringify(WATCHED)}
const loaded = () => Object.keys(watched).filter(name => Object.keys(require.cache).some(k => k.replaceAll('\\\\', '/').endsWith(watched[name])))
const steps = {}
const Fastify = (await import('fastify')).default
const { Type } = await import('@sinclair/typebox')
const { openapi, route } = await import(${JSON.stringify(`${repo}src/index.ts`)})
const declared = route({ method: 'GET', url: '/items/{id}', params: Type.Object({ id: Type.Integer() }), response: Type.Object({ id: Type.Integer() }), handler: ({ params }) => ({ id: params.id }) })
steps.imported = loaded()
const app = Fastify()
await app.register(openapi())
await app.register(declared)
steps.openapi = loaded()
process.stdout.write(JSON.stringify(steps))
`

function run (source: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', source], { cwd: repo, timeout: 120_000, env: unmeasuredEnv() }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${err.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

t.test('importing routecraft and declaring a route load no validator, serializer or swagger module', async t => {
  const steps = JSON.parse(await run(CHILD)) as Record<string, string[]>
  t.strictSame(steps.imported, [], 'import routecraft, declare a route')
  t.ok(steps.openapi?.includes('@fastify/swagger') && steps.openapi.includes('@fastify/swagger-ui'), 'openapi() registered: the swagger plugins')
})
