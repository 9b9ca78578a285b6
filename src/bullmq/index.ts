/** `routecraft/bullmq`: durable webhook delivery on BullMQ and Redis (an optional peer dependency). */
export { queueDispatcher, jobIdOf } from './dispatcher.js'
export type { QueueDispatcher, QueueDispatcherOptions, QueuedOutcome } from './dispatcher.js'
export { deliveryWorker, queueBackoff } from './worker.js'
export type { DeliveryWorker, DeliveryWorkerOptions, Policy as QueueBackoffPolicy } from './worker.js'
export type { QueuedDelivery } from './integrity.js'
