/**
 * The bounds of a 422 answer. FastAPI lists every issue and echoes each one's input in full;
 * routecraft does the same for every ordinary request, and bounds only what a hostile body
 * can make of it: the number of issues, how deep an echoed input may be (JSON text of a
 * deeper one overflows the stack when it is serialized), and how many bytes of input all the
 * issues echo together (a body whose every field is missing echoes the whole body once per
 * field). See docs/security.md.
 */

/** The shape of issues.ts's ValidationIssue, restated so that the two files do not import each other. */
interface ValidationIssue { type: string; loc: Array<string | number>; msg: string; input: unknown }

/**
 * The caps, in one place: at most `issues` issues are listed (then one `too_many_errors`
 * entry says how many more there were); an input is echoed only if it nests at most
 * `inputDepth` levels and all inputs echoed so far stay within about `inputBytes` bytes of
 * JSON; otherwise the issue's `input` is `null` and its `ctx.input_omitted` says why.
 *
 * @example
 * ```ts
 * ISSUE_LIMITS.issues // 1000
 * ```
 */
export const ISSUE_LIMITS = Object.freeze({ issues: 1000, inputDepth: 64, inputBytes: 1024 * 1024 })

/** Counts what a 422 has echoed so far. */
export interface EchoBudget { bytes: number }

/** A fresh budget for one answer. */
export function echoBudget (): EchoBudget {
  return { bytes: ISSUE_LIMITS.inputBytes }
}

/**
 * About how many bytes `value` takes as JSON, or a reason it cannot be echoed: deeper than
 * `inputDepth`, more than `budget` bytes, or holding what JSON cannot (a BigInt, a throwing
 * getter). Iterative, and stops as soon as the budget is spent, so a cycle or a huge value
 * costs no more than the budget.
 */
function measure (value: unknown, budget: number): number | string {
  let bytes = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  try {
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!
      if (typeof node === 'string') bytes += node.length + 2
      else if (typeof node === 'bigint') return 'not representable as JSON'
      else if (typeof node !== 'object' || node === null) bytes += 8
      else if (depth >= ISSUE_LIMITS.inputDepth) return `nested deeper than ${ISSUE_LIMITS.inputDepth} levels`
      else if (Array.isArray(node)) {
        bytes += 2 + node.length
        for (let i = 0; i < node.length && bytes <= budget; i++) stack.push([node[i], depth + 1])
      } else {
        bytes += 2
        for (const key of Object.keys(node)) {
          bytes += key.length + 4
          stack.push([(node as Record<string, unknown>)[key], depth + 1])
        }
      }
      if (bytes > budget) return `the inputs of this answer exceed ${ISSUE_LIMITS.inputBytes} bytes`
    }
  } catch {
    return 'not representable as JSON'
  }
  return bytes
}

/** `issue` with its input echoed if it fits the caps and the budget, or omitted with the reason. */
export function bounded (issue: ValidationIssue, budget: EchoBudget): ValidationIssue {
  const size = measure(issue.input, budget.bytes)
  if (typeof size === 'number') {
    budget.bytes -= size
    return issue
  }
  return { ...issue, input: null, ctx: { input_omitted: size } } as ValidationIssue
}

/** The entry that ends a list cut at {@link ISSUE_LIMITS}.issues; `ctx.omitted` counts the rest. */
export function tooManyIssues (omitted: number): ValidationIssue {
  return { type: 'too_many_errors', loc: [], msg: `${omitted} more validation error${omitted === 1 ? '' : 's'} not listed (at most ${ISSUE_LIMITS.issues} are)`, input: null, ctx: { omitted } } as ValidationIssue
}

function omittedBy (issue: ValidationIssue | undefined): number {
  return issue?.type === 'too_many_errors' ? (issue as unknown as { ctx: { omitted: number } }).ctx.omitted : 0
}

/**
 * Joins the issues of another request part onto `into` under the same cap: at most
 * {@link ISSUE_LIMITS}.issues listed in all, the count of the others in one last entry. A
 * loop, not `push(...more)`, which throws beyond the engine's argument limit.
 */
export function appendIssues (into: ValidationIssue[] | undefined, more: readonly ValidationIssue[]): ValidationIssue[] {
  const out = into ?? []
  let omitted = omittedBy(out.at(-1))
  if (omitted > 0) out.pop()
  for (const issue of more) {
    const counted = omittedBy(issue)
    if (counted > 0) omitted += counted
    else if (out.length < ISSUE_LIMITS.issues) out.push(issue)
    else omitted++
  }
  if (omitted > 0) out.push(tooManyIssues(omitted))
  return out
}
