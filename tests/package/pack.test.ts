/**
 * The published package, as a user gets it: `npm pack` (which runs the `prepack` build to
 * dist/ with .d.ts), install the tarball into an empty project next to the OLDEST Fastify and
 * TypeBox the peer dependencies claim, then import and typecheck `routecraft` there, outside
 * this repository. The oldest versions are devDependencies under the aliases `fastify-oldest`
 * and `typebox-oldest`, so they are in npm's cache and in node_modules.
 *
 * Dependencies come from npm's cache (`npm install --offline`): `npm ci` of the repository has
 * just put every tarball there. When the cache lacks what an offline install needs (a fresh
 * machine after `npm ci` has tarballs but no registry metadata), the test falls back to
 * unpacking the tarball itself into `node_modules/routecraft` and symlinking every other entry
 * of the repository's `node_modules`: the package's own files still come only from the
 * tarball, which is what this test is about. The comment in the output says which was used.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, normalize, relative } from 'node:path'
import { unmeasuredEnv } from '../support/child-env.js'
import { fileURLToPath } from 'node:url'
import semver from 'semver'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

interface Run { code: number; stdout: string; stderr: string }

function run (cmd: string, args: string[], cwd: string, timeoutMs = 900_000): Promise<Run> {
  return new Promise(resolve => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: unmeasuredEnv({ npm_config_update_notifier: 'false' }) },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1
        resolve({ code, stdout: String(stdout), stderr: String(stderr) })
      })
  })
}

t.setTimeout(900_000)

interface Manifest {
  exports: Record<string, { types?: string; import?: string }>
  engines: { node: string }
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
  peerDependencies: Record<string, string>
}

/** The oldest peer versions claimed, checked against the aliases the repository tests with. */
function oldestPeers (manifest: Manifest): { fastify: string; typebox: string } {
  const fastify = semver.minVersion(manifest.peerDependencies.fastify!)!.version
  const typebox = semver.minVersion(manifest.peerDependencies['@sinclair/typebox']!)!.version
  if (manifest.devDependencies['fastify-oldest'] !== `npm:fastify@${fastify}`) throw new Error(`devDependencies.fastify-oldest must be npm:fastify@${fastify}`)
  if (manifest.devDependencies['typebox-oldest'] !== `npm:@sinclair/typebox@${typebox}`) throw new Error(`devDependencies.typebox-oldest must be npm:@sinclair/typebox@${typebox}`)
  return { fastify, typebox }
}

t.test('the manifest: peers for what users install, engines true for every dependency', async t => {
  const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as Manifest & Record<string, unknown>
  for (const peer of ['fastify', '@sinclair/typebox']) {
    t.notOk(peer in manifest.dependencies, `${peer} is not a dependency (a second copy would shadow the app's)`)
    t.ok(peer in manifest.peerDependencies, `${peer} is a peer dependency`)
  }
  t.doesNotThrow(() => oldestPeers(manifest), 'the oldest claimed peers are the versions the package test installs')
  for (const key of ['license', 'repository', 'homepage', 'bugs']) t.ok(manifest[key] !== undefined, `package.json has ${key}`)
  t.equal(manifest.license, 'MIT')
  t.match(await readFile(join(repo, 'LICENSE'), 'utf8'), /^MIT License/)
  t.match(await readFile(join(repo, 'CHANGELOG.md'), 'utf8'), new RegExp(`^## \\[${(manifest as { version?: string }).version!.replaceAll('.', '\\.')}\\]`, 'm'), 'the CHANGELOG has an entry for the version')

  // Every package routecraft and its peers pull in (the lock file's tree, which npm resolves
  // as a user's install does) runs on every Node routecraft claims: `npm install
  // --engine-strict` refuses none of them. (Fastify 5's own tree needs Node 22 today:
  // light-my-request uses cookie@2, @fastify/static content-disposition@3.)
  const lock = JSON.parse(await readFile(join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string }; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }> }
  const locate = (from: string, name: string): string | undefined => {
    for (let base = from; ; base = base.slice(0, Math.max(0, base.lastIndexOf('/node_modules/')))) {
      const key = `${base === '' ? '' : base + '/'}node_modules/${name}`
      if (lock.packages[key] !== undefined) return key
      if (base === '') return undefined
    }
  }
  const seen = new Set<string>()
  const queue = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).map(name => locate('', name))
  while (queue.length > 0) {
    const key = queue.pop()
    if (key === undefined) { t.fail('a dependency is missing from the lock file'); continue }
    if (seen.has(key)) continue
    seen.add(key)
    const entry = lock.packages[key]!
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) queue.push(locate(key, name))
  }
  const refused = [...seen].filter(key => {
    const range = lock.packages[key]!.engines?.node
    return range !== undefined && !semver.subset(manifest.engines.node, range)
  })
  t.ok(seen.size > 10, `${seen.size} packages in routecraft's dependency tree`)
  t.same(refused.map(key => `${key}@${lock.packages[key]!.version} (node ${lock.packages[key]!.engines!.node})`), [], `every one runs on node ${manifest.engines.node}`)
})

t.test('npm pack → install in an empty project → import and typecheck routecraft', async t => {
  const work = await mkdtemp(join(tmpdir(), 'routecraft-pack-'))
  t.teardown(() => rm(work, { recursive: true, force: true }))
  const packDir = join(work, 'pack')
  const project = join(work, 'project')
  await mkdir(packDir)
  await mkdir(project)

  // -- npm pack (runs prepack: the build) -----------------------------------------------------
  const packed = await run(npm, ['pack', '--json', '--pack-destination', packDir], repo)
  t.equal(packed.code, 0, 'npm pack succeeds', { stderr: packed.stderr.slice(-4000) })
  if (packed.code !== 0) return
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>
  const entry = info[0]!
  t.equal(entry.name, 'routecraft')
  const files = entry.files.map(f => f.path)
  for (const wanted of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'docs/errors.md', 'dist/bullmq/index.js', 'dist/bullmq/index.d.ts', 'dist/redis/index.js', 'dist/redis/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts', 'docs/testing.md']) {
    t.ok(files.includes(wanted), `the tarball contains ${wanted}`)
  }
  t.notOk(files.some(f => f.startsWith('src/') || f.startsWith('tests/') || f.startsWith('playground/') || f.startsWith('node_modules/')),
    'the tarball holds no sources, tests, playground or node_modules')
  t.notOk(files.some(f => f.endsWith('.test.js') || f.endsWith('.tgz')), 'no test files or tarballs inside')
  t.notOk(files.some(f => f.endsWith('.d.ts.map')), 'no declaration maps (they would point at sources the package does not ship)')
  const tgz = join(packDir, entry.filename)
  t.ok(existsSync(tgz), 'the tarball was written to the pack destination')

  // The export map the package declares points at files the tarball holds.
  const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as Manifest
  t.same(manifest.exports['.'], { types: './dist/index.d.ts', import: './dist/index.js' })
  t.same(manifest.exports['./testing'], { types: './dist/testing/index.d.ts', import: './dist/testing/index.js' })
  const oldest = oldestPeers(manifest)
  for (const [sub, target] of Object.entries(manifest.exports)) {
    if (sub === './package.json') continue
    t.ok(target.types !== undefined && files.includes(target.types.slice(2)), `${sub}: its types (${String(target.types)}) are in the tarball`)
    t.ok(target.import !== undefined && files.includes(target.import.slice(2)), `${sub}: its module (${String(target.import)}) is in the tarball`)
  }

  // -- an empty project ----------------------------------------------------------------------
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'routecraft-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2))
  const installed = await run(npm, ['install', '--offline', '--no-audit', '--no-fund', tgz, `fastify@${oldest.fastify}`, `@sinclair/typebox@${oldest.typebox}`], project)
  let how: string
  if (installed.code === 0) {
    how = 'npm install --offline of the tarball (dependencies from the npm cache)'
    const pkg = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
    t.match(pkg.dependencies?.routecraft ?? '', /\.tgz$/, 'the project depends on the tarball')
  } else {
    how = 'fallback: tarball unpacked into node_modules/routecraft, dependencies symlinked from the repository'
    t.comment(`offline install failed (${installed.stderr.split('\n').find(l => /error code|ERR!/i.test(l))?.trim() ?? 'no message'}); using the fallback`)
    await rm(join(project, 'node_modules'), { recursive: true, force: true })
    const modules = join(project, 'node_modules')
    await mkdir(join(modules, 'routecraft'), { recursive: true })
    const untar = await run('tar', ['-xzf', tgz, '-C', join(modules, 'routecraft'), '--strip-components=1'], project)
    t.equal(untar.code, 0, 'the tarball unpacks', { stderr: untar.stderr })
    for (const name of await readdir(join(repo, 'node_modules'))) {
      if (name === 'routecraft' || name === 'fastify' || name.startsWith('.')) continue
      if (name === '@sinclair') {
        await mkdir(join(modules, '@sinclair'))
        await symlink(join(repo, 'node_modules', 'typebox-oldest'), join(modules, '@sinclair', 'typebox'), 'dir')
        continue
      }
      await symlink(join(repo, 'node_modules', name), join(modules, name), 'dir')
    }
    // The peers: the oldest versions claimed, not the repository's own.
    await symlink(join(repo, 'node_modules', 'fastify-oldest'), join(modules, 'fastify'), 'dir')
  }
  t.comment(`installed by ${how}`)
  const pkgDir = join(project, 'node_modules', 'routecraft')
  t.ok(existsSync(join(pkgDir, 'dist', 'index.js')), 'dist/index.js is installed')
  t.ok(existsSync(join(pkgDir, 'dist', 'index.d.ts')), 'dist/index.d.ts is installed')
  t.notOk(existsSync(join(pkgDir, 'src')), 'no sources are installed')
  for (const dep of Object.keys(manifest.dependencies)) {
    t.ok(existsSync(join(project, 'node_modules', ...dep.split('/'))), `dependency ${dep} is resolvable from the project`)
  }
  t.notOk(existsSync(join(pkgDir, 'node_modules', 'fastify')), 'no Fastify of its own inside routecraft: the app\'s is used')
  const versionOf = async (name: string): Promise<string> => (JSON.parse(await readFile(join(project, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')) as { version: string }).version
  t.equal(await versionOf('fastify'), oldest.fastify, `the project runs the oldest Fastify claimed (${oldest.fastify})`)
  t.equal(await versionOf('@sinclair/typebox'), oldest.typebox, `and the oldest TypeBox claimed (${oldest.typebox})`)

  // -- what ships: maps that work without sources, links that resolve -------------------------
  const maps = (await readdir(join(pkgDir, 'dist'), { recursive: true })).filter(f => f.endsWith('.js.map'))
  t.ok(maps.length > 10, 'dist has source maps')
  for (const map of maps) {
    const parsed = JSON.parse(await readFile(join(pkgDir, 'dist', map), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] }
    if (parsed.sourcesContent?.length !== parsed.sources.length || !parsed.sourcesContent.every(c => typeof c === 'string' && c.length > 0)) {
      t.fail(`dist/${map} embeds its sources`)
    }
  }
  t.pass(`all ${maps.length} source maps embed their sources`)
  for (const doc of files.filter(f => f.endsWith('.md'))) {
    const text = await readFile(join(pkgDir, doc), 'utf8')
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target!) || target!.startsWith('#')) continue
      const path = normalize(join(dirname(doc), target!.split('#')[0]!))
      t.ok(!relative('.', path).startsWith('..') && files.includes(path), `${doc}: the link ${target} points at a file in the package`)
    }
  }

  // -- (a) import and serve one route through inject -----------------------------------------
  const script = `
    const m = await import('routecraft')
    const { default: Fastify } = await import('fastify')
    const { Type } = await import('@sinclair/typebox')
    for (const name of ['route', 'openapi', 'webhook', 'basicAuth', 'dependency', 'HttpError', 'jsonable']) {
      if (!(name in m)) throw new Error('missing export ' + name)
    }
    const subpaths = { 'routecraft/webhooks': ['deliver', 'prepareDelivery', 'signWebhook', 'publicOnlyLookup'], 'routecraft/openapi': ['deepMerge', 'generateUniqueId'] }
    for (const [sub, names] of Object.entries(subpaths)) {
      const s = await import(sub)
      for (const name of names) if (typeof s[name] !== 'function') throw new Error('missing export ' + name + ' of ' + sub)
    }
    const app = Fastify()
    await app.register(m.openapi({ info: { title: 'packed', version: '1.0.0' } }))
    await app.register(m.route({
      method: 'POST', url: '/items/{item_id}',
      params: Type.Object({ item_id: Type.String() }),
      body: Type.Object({ price: Type.Number() }),
      response: Type.Object({ id: Type.String(), price: Type.Number() }),
      status: 201,
      handler: function create_item ({ params, body }) { return { id: params.item_id, price: body.price, secret: 'x' } },
    }))
    const res = await app.inject({ method: 'POST', url: '/items/a1', payload: { price: 2.5 } })
    const bad = await app.inject({ method: 'POST', url: '/items/a1', payload: { price: 'free' } })
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    await app.close()
    process.stdout.write(JSON.stringify({ fastify: app.version, status: res.statusCode, body: res.body, bad: bad.statusCode, badBody: bad.json(),
      openapi: doc.openapi, operationId: doc.paths['/items/{item_id}'].post.operationId }))
  `
  const smoke = await run(process.execPath, ['--input-type=module', '-e', script], project, 300_000)
  t.equal(smoke.code, 0, 'the import script runs', { stderr: smoke.stderr })
  if (smoke.code === 0) {
    t.same(JSON.parse(smoke.stdout), {
      fastify: oldest.fastify,
      status: 201,
      body: '{"id":"a1","price":2.5}',
      bad: 422,
      badBody: { detail: [{ type: 'float_type', loc: ['body', 'price'], msg: 'Input should be a valid number', input: 'free' }] },
      openapi: '3.1.0',
      operationId: 'create_item_items__item_id__post',
    })
  }

  // -- (a2) the subpath exports: routecraft/redis needs nothing more; routecraft/bullmq needs the
  // optional peer bullmq (present when the dependencies are the repository's) -----------------
  const subpaths = await run(process.execPath, ['--input-type=module', '-e', `
    const root = await import('routecraft')
    const redis = await import('routecraft/redis')
    let bullmq
    try {
      const m = await import('routecraft/bullmq')
      bullmq = typeof m.queueDispatcher === 'function' && typeof m.deliveryWorker === 'function' ? 'loaded' : 'incomplete'
    } catch (err) {
      bullmq = err.code === 'ERR_MODULE_NOT_FOUND' && /'bullmq'/.test(err.message) ? 'needs bullmq' : String(err)
    }
    process.stdout.write(JSON.stringify({ redis: typeof redis.redisReplayStore, rootHasQueue: 'queueDispatcher' in root, bullmq }))
  `], project, 60_000)
  t.equal(subpaths.code, 0, 'the subpath imports run', { stderr: subpaths.stderr })
  if (subpaths.code === 0) {
    const got = JSON.parse(subpaths.stdout) as { redis: string; rootHasQueue: boolean; bullmq: string }
    t.same({ redis: got.redis, rootHasQueue: got.rootHasQueue }, { redis: 'function', rootHasQueue: false }, 'routecraft/redis loads; the root export never loads bullmq')
    t.ok(got.bullmq === 'loaded' || got.bullmq === 'needs bullmq', `routecraft/bullmq: ${got.bullmq}`)
  }

  // -- (b) typecheck a consumer file against the shipped .d.ts -------------------------------
  await writeFile(join(project, 'consumer.ts'), `
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import { route, openapi, HttpError, type RoutePlugin } from 'routecraft'
import { testClient } from 'routecraft/testing'
import { deliver, type DeliveryJob, type SendOutcome } from 'routecraft/webhooks'
import { deepMerge } from 'routecraft/openapi'

const job: DeliveryJob = { v: 1, event: 'e', url: 'https://example.com/', method: 'POST', webhookId: 'msg_1', body: '{}', headers: {}, createdAt: 0 }
const pending: Promise<SendOutcome> = deliver(job, { secret: 'whsec_' + 'a'.repeat(32) })
void pending
const merged: Record<string, unknown> = deepMerge({ a: 1 }, { b: 2 })
void merged

const plugin: RoutePlugin = route({
  method: 'GET',
  url: '/items/{item_id}',
  params: Type.Object({ item_id: Type.String() }),
  response: Type.Object({ id: Type.String(), price: Type.Number() }),
  handler: function read_item ({ params }) {
    const id: string = params.item_id
    if (id === '') throw new HttpError(404, 'Item not found')
    return { id, price: 1 }
  },
})

route({
  method: 'GET',
  url: '/items/{item_id}',
  params: Type.Object({ item_id: Type.String() }),
  handler: ({ params }) => {
    // @ts-expect-error -- item_id is a string, inferred from the params schema
    const n: number = params.item_id
    return n
  },
})

// @ts-expect-error -- FETCH is not an HTTP method
route({ method: 'FETCH', url: '/x', handler: () => null })

const app = Fastify()
await app.register(openapi())
await app.register(plugin)

// routecraft/testing: the client is typed from the route it is given.
const typed = route({ method: 'GET', url: '/prices/{id}', params: Type.Object({ id: Type.String() }), response: Type.Object({ price: Type.Number() }), handler: () => ({ price: 1 }) })
await app.register(typed)
const res = await testClient(app).request(typed, { params: { id: 'a' }, expect: 200 })
const price: number = res.body.price
// @ts-expect-error -- the response model has no name
void res.body.name
void price
`)
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc')
  const checked = await run(process.execPath, [tsc, '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict',
    '--typeRoots', join(repo, 'node_modules', '@types'), '--types', 'node', 'consumer.ts'], project, 120_000)
  t.equal(checked.code, 0, 'the consumer file typechecks against dist/index.d.ts and dist/testing/index.d.ts (and every @ts-expect-error line is needed)',
    { stdout: checked.stdout, stderr: checked.stderr })

  // The check can fail: without the expected error, @ts-expect-error itself is an error.
  await writeFile(join(project, 'broken.ts'), `
import { route } from 'routecraft'
// @ts-expect-error -- GET is a valid method, so this expectation is unused
route({ method: 'GET', url: '/x', handler: () => null })
`)
  const broken = await run(process.execPath, [tsc, '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict',
    '--typeRoots', join(repo, 'node_modules', '@types'), '--types', 'node', 'broken.ts'], project, 120_000)
  t.not(broken.code, 0, 'an unused @ts-expect-error fails the typecheck: types really came from the package')
  t.match(broken.stdout, /TS2578/, 'TS2578: unused @ts-expect-error')
})
