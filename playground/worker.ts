/**
 * The showcase's delivery worker (`REDIS_URL=redis://127.0.0.1:6379 npm run worker`): takes the
 * webhooks the shop queued and delivers them, one attempt per queue try. Run as many as you
 * like; stop one with Ctrl-C (SIGINT) or SIGTERM and the attempts in flight finish first.
 */
import { deliveryWorker } from '../src/bullmq/index.js'
import { Redis } from 'ioredis'
import { queueKey } from './scale.js'
import { webhookSecret } from './app.js'

const redisUrl = process.env.REDIS_URL
if (redisUrl === undefined) {
  console.error('usage: REDIS_URL=redis://127.0.0.1:6379 npm run worker')
  process.exit(2)
}
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
connection.on('error', err => { console.warn(`redis: ${err.message}`) })
const running = deliveryWorker({
  connection,
  integrityKey: queueKey,
  secret: () => webhookSecret,
  // The shop delivers to its own receiver on 127.0.0.1: turn the SSRF guard off here only.
  allowPrivateNetwork: true,
  onError: err => { console.warn(`worker: ${err.message}`) },
})
running.worker.on('completed', (_job, outcome) => { console.log(`delivered ${outcome.webhookId} (${outcome.attempts} attempt(s), HTTP ${outcome.status})`) })
running.worker.on('failed', (job, err) => { console.log(`failed ${job?.id}: ${err.message}`) })
console.log('worker: delivering webhooks from routecraft-webhooks')
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { void running.close().then(() => { connection.disconnect(); process.exit(0) }) })
}
