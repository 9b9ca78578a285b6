// Webhook delivery under faults (issue 8, part 4), the small version of
// bench/webhook-faults.ts: 100 sends to a receiver that fails half the time (500, dropped
// connection, or an answer after the sender's timeout). Every send has an outcome; every ok
// outcome was processed exactly once by the receiver; failed ones used all their attempts;
// nothing is lost silently; no unhandled rejection. Replay with FAULTS_SEED=<seed>.
import t from 'tap'
import { formatReport, runWebhookFaults } from '../support/webhook-faults.js'

const seed = process.env.FAULTS_SEED !== undefined ? Number(process.env.FAULTS_SEED) : Date.now() % 2 ** 31

t.test('100 sends to a faulty receiver: each delivered once or reported failed', async t => {
  const r = await runWebhookFaults({ sends: 100, concurrency: 25, seed })
  t.comment(formatReport(r))
  t.strictSame(r.violations, [], `no property fails (seed ${seed})`)
  t.equal(r.outcomes, 100, 'every send resolved to an outcome')
  t.equal(r.delivered + r.failed, 100)
  t.equal(r.lostSilently, 0, 'none lost silently')
  t.equal(r.deliveredNotProcessed, 0, 'every ok outcome was processed by the receiver')
  t.equal(r.processedTwice, 0, 'no event processed twice (same webhook-id across retries)')
  t.equal(r.badSignatures, 0, 'every attempt verified')
  t.equal(r.unhandledRejections, 0, 'no unhandled rejection')
  t.strictSame(Object.keys(r.failedAttempts).filter(a => a !== '5'), [], 'failed sends used all 5 attempts')
  t.ok(r.attemptsSeenByReceiver <= r.attemptsBySender)
  // Faults really happened (the receiver is not accidentally healthy).
  t.ok(r.behaviours.fail > 0 && r.behaviours.drop > 0 && r.behaviours.slow > 0, `faults injected: ${JSON.stringify(r.behaviours)}`)
  t.ok(r.retriesAcknowledgedAsDuplicates > 0, 'retries of processed messages were deduped')
  t.equal(r.acceptedButReportedFailed, r.acceptedOnSlowAttempt + r.acceptedAnswerLost + r.acceptedUnexplained)
})
