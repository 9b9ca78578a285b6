/**
 * The validation that dependency solving does, as FastAPI's `solve_dependencies`: each
 * dependency's own request parts are validated just before it would run; a dependency whose
 * parts, or any sub-dependency's, are invalid is not run, and those problems join the route's
 * 422 list in FastAPI's order (a sub-tree's problems, then the dependency's own; repeated
 * where a cached dependency is used twice, as FastAPI repeats them).
 */
import type { FastifyRequest } from 'fastify'
import type { DependencyRecord } from '../declare/types.js'
import type { ValidationIssue } from '../validation/issues.js'
import { appendIssues } from '../validation/limits.js'
import { checkParts, partSteps, type Cookies, type PartStep } from './parts.js'

/** What of a plan node the checks read (deps.ts's PlanNode). */
interface CheckedNode {
  readonly record: DependencyRecord
  /** `[key, index of the node that provides it]`. */
  readonly inputs: ReadonlyArray<readonly [string, number]>
}

/** Per plan node: the compiled checks of its own parts, or `undefined` when it has none. */
export type DependencyChecks = ReadonlyArray<readonly PartStep[] | undefined>

/** Whether a dependency declares any request part. */
export function hasParts (record: DependencyRecord): boolean {
  return record.params !== undefined || record.query !== undefined || record.headers !== undefined || record.cookies !== undefined
}

/**
 * The checks of every node of a plan, compiled once with the route's validators (so under
 * the app's shared schemas); `undefined` when no node validates anything.
 */
export function compileDependencyChecks (nodes: readonly CheckedNode[]): DependencyChecks | undefined {
  if (!nodes.some(n => hasParts(n.record))) return undefined
  const byRecord = new Map<DependencyRecord, readonly PartStep[]>()
  return nodes.map(({ record }) => {
    if (!hasParts(record)) return undefined
    let steps = byRecord.get(record)
    if (steps === undefined) byRecord.set(record, steps = partSteps(record))
    return steps
  })
}

/** What solving one request tracks when some node validates its parts. */
export interface Checking {
  readonly checks: DependencyChecks
  /** Per node: its parts, or a sub-dependency's, were invalid (it did not run). */
  readonly failed: Uint8Array
  /** Per node: the problems with its own parts. */
  issues: Array<ValidationIssue[] | undefined> | undefined
}

/** Validates node `i`'s own parts; whether it may run (its parts and its sub-dependencies are valid). */
export function admit (node: CheckedNode, i: number, checking: Checking, request: FastifyRequest, cookies: Cookies): boolean {
  let failed = false
  for (const [, index] of node.inputs) if (checking.failed[index] === 1) failed = true
  const steps = checking.checks[i]
  if (steps !== undefined) {
    const issues = checkParts(steps, request, cookies, undefined)
    if (issues !== undefined) {
      (checking.issues ??= [])[i] = issues
      failed = true
    }
  }
  if (failed) checking.failed[i] = 1
  return !failed
}

/**
 * The problems found, in FastAPI's order: for each of `roots` (the scope's dependencies, then
 * the route's), its sub-tree's problems, then its own. Worked out node by node (sub-dependencies
 * come first in a plan), each list capped as a 422 is, so that a graph whose dependencies are
 * used many times over costs its size, not the number of paths through it.
 */
export function gatherIssues (nodes: readonly CheckedNode[], roots: readonly number[], own: ReadonlyArray<ValidationIssue[] | undefined>): ValidationIssue[] | undefined {
  const lists: Array<ValidationIssue[] | undefined> = new Array(nodes.length)
  for (let i = 0; i < nodes.length; i++) {
    let list: ValidationIssue[] | undefined
    for (const [, child] of (nodes[i] as CheckedNode).inputs) {
      const theirs = lists[child]
      if (theirs !== undefined) list = appendIssues(list, theirs)
    }
    const mine = own[i]
    if (mine !== undefined) list = appendIssues(list, mine)
    lists[i] = list
  }
  let out: ValidationIssue[] | undefined
  for (const root of roots) {
    const theirs = lists[root]
    if (theirs !== undefined) out = appendIssues(out, theirs)
  }
  return out
}
