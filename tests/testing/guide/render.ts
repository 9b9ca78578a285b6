/**
 * docs/testing.md ends with the two files of tests/testing/guide/, as users would write them
 * (importing `routecraft` and `routecraft/testing`). guide.test.ts checks the page against the
 * files; this renders the page's blocks from them.
 */
export function asUserCode (source: string): string {
  return source
    .replaceAll("from '../../../src/testing/index.js'", "from 'routecraft/testing'")
    .replaceAll("from '../../../src/index.js'", "from 'routecraft'")
}

/** The fenced block the page holds for one file. */
export function block (path: string, source: string): string {
  return `<!-- file: ${path} -->\n\`\`\`ts\n${asUserCode(source)}\`\`\`\n`
}
