// docs/testing.md cannot rot: the complete suite it shows is tests/testing/guide/ (which runs
// with the rest of the suite), and the page holds exactly those files, imports aside.
import t from 'tap'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { asUserCode, block } from './guide/render.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const page = await readFile(join(repo, 'docs', 'testing.md'), 'utf8')

t.test('the page shows the guide\'s files exactly', async t => {
  const shown = [...page.matchAll(/^<!-- file: (\S+) -->$/gm)].map(m => m[1] as string)
  t.same(shown, ['tests/testing/guide/service.ts', 'tests/testing/guide/service.test.ts'])
  for (const path of shown) {
    const source = await readFile(join(repo, path), 'utf8')
    t.ok(page.includes(block(path, source)), `docs/testing.md shows ${path} as it is (regenerate the block from the file)`)
  }
})

t.test('the shown code imports routecraft as users do, and only the public helpers', async t => {
  const test = asUserCode(await readFile(join(repo, 'tests/testing/guide/service.test.ts'), 'utf8'))
  t.notMatch(test, /src\//, 'no import of the sources in the suite as shown')
  t.notMatch(test, /\.inject\(/, 'the suite uses the client, not inject')
  t.match(test, /from 'routecraft\/testing'/)
})

t.test('the README links the page', async t => {
  const readme = await readFile(join(repo, 'README.md'), 'utf8')
  t.match(readme, /\(docs\/testing\.md\)/)
})
