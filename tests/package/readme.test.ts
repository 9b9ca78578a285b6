/**
 * The README runs as written. Every ```ts block right after a `<!-- test -->` line is
 * extracted, `from 'routecraft'` is pointed at this repository's sources, and the block is
 * typechecked (one strict tsc run over all of them) and run with `node --import tsx` from a
 * temporary folder; each must exit 0 with nothing on stderr. The blocks assert their own
 * outcome and never listen on a port.
 *
 * The temporary folder gets a `package.json` (`"type": "module"`, for top-level await) and a
 * `node_modules` symlink to the repository's, so `fastify`, `@sinclair/typebox` and `yaml`
 * resolve as they would in a user's project.
 *
 * It also checks the README's fixed facts: the two commands, and the list of examples
 * against playground/seed/.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { unmeasuredEnv } from '../support/child-env.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const readme = await readFile(join(repo, 'README.md'), 'utf8')
const srcIndex = join(repo, 'src', 'index.js')

interface Block { line: number; heading: string; code: string }

/** The ```ts blocks preceded by a `<!-- test -->` line, with the heading they sit under. */
function testedBlocks (markdown: string): Block[] {
  const lines = markdown.split('\n')
  const out: Block[] = []
  let heading = ''
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '')
    if (line.trim() !== '<!-- test -->') continue
    if (lines[i + 1]?.trim() !== '```ts') throw new Error(`README.md:${i + 1}: <!-- test --> must be followed by a \`\`\`ts block`)
    const end = lines.findIndex((l, j) => j > i + 1 && l.trim() === '```')
    if (end === -1) throw new Error(`README.md:${i + 2}: unterminated code block`)
    out.push({ line: i + 3, heading, code: lines.slice(i + 2, end).join('\n') + '\n' })
    i = end
  }
  return out
}

function run (cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: unmeasuredEnv() }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1
      resolve({ code, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

/** stderr without Node's own warnings (e.g. ExperimentalWarning), which are not the block's. */
function meaningfulStderr (stderr: string): string {
  return stderr.split('\n')
    .filter(l => l.trim() !== '' && !/^\(node:\d+\) \w*Warning:/.test(l) && !/^\(Use `node --trace-warnings/.test(l))
    .join('\n')
}

const blocks = testedBlocks(readme)

// Each block is a Node process (plus one tsc run): generous, since CI runs two test files at a time on two cores.
t.setTimeout(900_000)

t.test('the README states the commands and lists every example', async t => {
  const lines = readme.split('\n').map(l => l.trim())
  t.ok(lines.includes('npm install && npm start'), 'the line `npm install && npm start`')
  t.ok(lines.includes('npm test'), 'the line `npm test`')
  t.ok(lines.includes('npm run example -- <name>'), 'the line `npm run example -- <name>`')
  t.match(readme, /http:\/\/127\.0\.0\.1:8000/, 'where the showcase is served')
  const seeds = (await readdir(join(repo, 'playground', 'seed'))).filter(f => f.endsWith('.ts')).map(f => f.slice(0, -3)).sort()
  t.equal(seeds.length, 17, 'the 17 seed examples exist')
  const table = readme.slice(readme.indexOf('| Example |'), readme.indexOf('\n\n', readme.indexOf('| Example |')))
  const listed = [...table.matchAll(/^\| `([a-z_]+)` \|/gm)].map(m => m[1] as string).sort()
  t.same(listed, seeds, 'the README lists exactly the seed examples')
  t.match(readme, /\]\(docs\/errors\.md\)/, 'links docs/errors.md')
  t.match(readme, /\]\(docs\/webhooks\.md\)/, 'links docs/webhooks.md')
  t.match(readme, /\]\(bench\/README\.md\)/, 'links bench/README.md')
  t.match(readme, /\]\(CHANGELOG\.md\)/, 'links CHANGELOG.md')
})

t.test('the tested blocks', async t => {
  t.ok(blocks.length >= 5, `at least the quick start and 4 feature snippets are tested (found ${blocks.length})`)
  t.ok(blocks.some(b => b.heading === 'Quick start'), 'the quick start is tested')
  for (const b of blocks) {
    t.match(b.code, /from 'routecraft'/, `README.md:${b.line} imports routecraft`)
    t.notMatch(b.code, /\.listen\(/, `README.md:${b.line} does not listen on a port`)
    t.match(b.code, /throw /, `README.md:${b.line} asserts its own outcome`)
  }
})

t.test('every tested block typechecks and runs as written', async t => {
  t.setTimeout(900_000)
  const dir = await mkdtemp(join(tmpdir(), 'routecraft-readme-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'readme-blocks', private: true, type: 'module' }))
  await symlink(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir')

  const files: string[] = []
  for (const [i, b] of blocks.entries()) {
    const name = `block-${String(i + 1).padStart(2, '0')}-line-${b.line}.ts`
    // `routecraft` is src/index.ts; a subpath `routecraft/<name>` is src/<name>/index.ts.
    const code = b.code.replace(/from 'routecraft(?:\/([a-z]+))?'/g, (_m, sub: string | undefined) =>
      `from ${JSON.stringify(sub === undefined ? srcIndex : join(repo, 'src', sub, 'index.js'))}`)
    await writeFile(join(dir, name), code)
    files.push(name)
  }

  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc')
  const checked = await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--lib', 'es2023', '--types', 'node', '--skipLibCheck', '--isolatedModules', ...files], dir, 900_000)
  t.equal(checked.code, 0, 'all tested blocks typecheck (strict)', { output: checked.stdout + checked.stderr })

  const tsx = import.meta.resolve('tsx')
  // Two at a time: each block is its own Node process.
  const queue = [...files.entries()]
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [i, file] = next
      const b = blocks[i] as Block
      const res = await run(process.execPath, ['--import', tsx, join(dir, file)], dir, 300_000)
      t.equal(res.code, 0, `README.md:${b.line} (${b.heading}) exits 0`, { stderr: res.stderr.slice(-4000) })
      t.equal(meaningfulStderr(res.stderr), '', `README.md:${b.line} (${b.heading}) writes no errors`)
    }
  }
  await Promise.all([worker(), worker()])
})

t.test('the extractor finds marked blocks only, and insists on ```ts', async t => {
  const md = ['# A', '<!-- test -->', '```ts', 'one()', '```', '```ts', 'untested()', '```', '## B', '<!-- test -->', '```ts', 'two()', '```'].join('\n')
  t.same(testedBlocks(md), [{ line: 4, heading: 'A', code: 'one()\n' }, { line: 12, heading: 'B', code: 'two()\n' }])
  t.throws(() => testedBlocks('<!-- test -->\n```js\nx\n```'), /must be followed by a ```ts block/)
})
