/**
 * Webhook delivery under faults, from the command line (the harness is tests/support/webhook-faults.ts).
 *
 *   node --import tsx bench/webhook-faults.ts [--sends 1000] [--concurrency 50] [--seed N]
 *   node --import tsx bench/webhook-faults.ts --queue [--webhooks 10000] [--seed N] [--limit 900]
 *
 * With `--queue`, the durable run of bench/webhook-faults-queue.ts (BullMQ, Redis, several
 * processes) instead of the in-process one below.
 *
 * A receiver on 127.0.0.1 answers each attempt, at random (seeded): half the time it behaves,
 * otherwise it fails with a 500, drops the connection (destroys the socket), or accepts the
 * message and answers only after the sender's timeout. The sender is a `webhook()`'s
 * `.send()` with `timeoutMs: 200` and 5 attempts. The receiver verifies every signature with
 * `verifyWebhook` and dedupes by `webhook-id`: a message is processed at most once, and a
 * retry of a processed message is acknowledged (200) without processing it again.
 *
 * The report accounts for every send:
 * - delivered: `ok` outcomes; each one's id was processed exactly once by the receiver;
 * - failed: outcomes with `ok: false`, with their attempts (all 5) and last error or status;
 * - accepted but reported failed: the receiver processed the message on a slow attempt whose
 *   answer came after the sender's timeout, and every later attempt failed too. The sender
 *   cannot tell "not received" from "received, answer lost": such messages are reported
 *   failed, and a later redelivery with the same id is deduped by the receiver. They are
 *   counted, not lost: the sender says "failed", the receiver has it once.
 * - lost silently: a send with no outcome, or an id the receiver processed whose outcome is
 *   failed without any slow (late-answered) attempt. Must be 0.
 * Plus: unhandled rejections (must be 0), bad signatures seen by the receiver (must be 0),
 * processed-twice ids (must be 0).
 *
 * Prints a markdown summary to stdout. Exits 1 when a property does not hold.
 */
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { formatReport, runWebhookFaults } from '../tests/support/webhook-faults.js'

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      sends: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '50' },
      seed: { type: 'string' },
      queue: { type: 'boolean', default: false },
      webhooks: { type: 'string', default: '10000' },
      limit: { type: 'string', default: '900' },
    },
  })
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31
  if (values.queue === true) {
    const { runQueueFaults } = await import('./webhook-faults-queue.js')
    const { text, ok } = await runQueueFaults({ webhooks: Number(values.webhooks), seed, limitS: Number(values.limit) })
    process.stdout.write(text)
    if (!ok) process.exitCode = 1
    return
  }
  const report = await runWebhookFaults({ sends: Number(values.sends), concurrency: Number(values.concurrency), seed })
  process.stdout.write(formatReport(report))
  if (report.violations.length > 0) process.exitCode = 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
