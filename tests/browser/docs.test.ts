/**
 * The docs in a real browser: headless Debian Chromium driven by playwright-core opens
 * Swagger UI as served by `openapi()`, and what a user sees there is asserted: the operations,
 * the webhooks with their body schema, an `x-` extension, the Basic auth flow end to end
 * ("Authorize", "Try it out", "Execute"), the same with a bearer token, and a document that has only webhooks. The
 * showcase's `/openapi.json` is validated as OpenAPI 3.1 by a real validator.
 *
 * Chromium is not optional: `.ci/run` installs it, so a missing browser fails this test.
 */
import t, { type Test } from 'tap'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { chromium, type Browser, type Page } from 'playwright-core'
import { Validator } from '@seriousme/openapi-schema-validator'
import { bearerAuth, dependency, HttpError, openapi, route, webhook } from '../../src/index.js'
import { build as buildShowcase } from '../../playground/app.js'
import { build as buildBasicAuthChecked } from '../../playground/seed/basic_auth_checked.js'
import { build as buildExtensions } from '../../playground/seed/openapi_extensions.js'

const CHROMIUM = '/usr/bin/chromium'
const TIMEOUT = 120_000

t.setTimeout(900_000)

async function serve (t: Test, app: FastifyInstance): Promise<string> {
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return `http://127.0.0.1:${address.port}`
}

/** Opens `/docs`; `errors` collects the page's uncaught script errors (assert it is empty at the end). */
async function openDocs (t: Test, browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } })
  t.teardown(() => context.close())
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT)
  const errors: string[] = []
  page.on('pageerror', err => errors.push(err.message))
  const res = await page.goto(`${url}/docs`)
  t.equal(res?.status(), 200, '/docs answers 200')
  await page.locator('.swagger-ui .info .title').waitFor()
  return { page, errors }
}

if (!existsSync(CHROMIUM)) {
  t.fail(`${CHROMIUM} is missing: the browser test needs Debian's chromium package (apt-get install -y chromium; .ci/run installs it)`)
} else {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())

  t.test('the showcase: /openapi.json is valid OpenAPI 3.1', async t => {
    const app = await buildShowcase()
    const base = await serve(t, app)
    const res = await fetch(`${base}/openapi.json`)
    t.equal(res.status, 200)
    t.match(res.headers.get('content-type'), /^application\/json/)
    const doc = await res.json() as Record<string, unknown>
    t.equal(doc.openapi, '3.1.0')
    const validator = new Validator()
    const result = await validator.validate(doc)
    t.same(result.errors, undefined, 'no validation errors')
    t.equal(result.valid, true, 'the document validates')
    t.equal(validator.version, '3.1', 'validated against the 3.1 schema')

    // The validator is not a rubber stamp.
    const broken = await new Validator().validate({ ...doc, paths: { 'items': { get: { responses: 'nope' } } } })
    t.equal(broken.valid, false, 'a broken document fails validation')
  })

  t.test('the showcase docs list the operations and the webhooks', async t => {
    const app = await buildShowcase()
    const base = await serve(t, app)
    const { page, errors } = await openDocs(t, browser, base)

    t.equal((await page.locator('.swagger-ui .info .title').innerText()).split('\n')[0]?.trim().replace(/\s*1\.0\.0.*$/s, ''), 'routecraft shop')
    const summaries = page.locator('.opblock-tag-section .opblock-summary')
    await summaries.first().waitFor()
    const rows = await summaries.evaluateAll(els => els.map(el => [
      el.querySelector('.opblock-summary-method')?.textContent?.trim(),
      el.querySelector('.opblock-summary-path')?.textContent?.replace(/\u200b/g, '').trim(),
      el.querySelector('.opblock-summary-description')?.textContent?.trim(),
    ].join(' ')))
    for (const row of [
      'GET /items/ List Items',
      'POST /items/ Create an item',
      'GET /items/{item_id} Read Item',
      'PUT /items/{item_id} Upsert Item',
      'DELETE /items/{item_id} Delete Item',
      'GET /admin/me Read Admin',
      'POST /admin/orders/{order_id}/ship Ship Order',
      'GET /legacy/ Get Legacy Data',
    ]) {
      t.ok(rows.includes(row), `listed: ${row}`)
    }
    t.notOk(rows.some(r => r.includes('/internal/health')), 'the hidden route is not listed')
    t.notOk(rows.some(r => r.includes('/openapi.json') || r.includes('/docs')), 'the docs routes are not listed')
    await t.resolves(page.getByText('/items/{item_id}', { exact: true }).first().waitFor({ state: 'visible' }), '/items/{item_id} is visible')
    await t.resolves(page.getByText('Create an item', { exact: true }).first().waitFor({ state: 'visible' }), '"Create an item" is visible')

    // An operation opens on its deep link id (operationId), with the description cut at \f.
    const create = page.locator('#operations-items-create_item_items__post')
    await create.locator('.opblock-summary').click()
    const descriptionBox = create.locator('.opblock-description-wrapper').first()
    await descriptionBox.waitFor()
    const description = await descriptionBox.innerText()
    t.match(description, /each item must have a name/)
    t.notMatch(description, /:param body/, 'the description stops at \\f')
    await t.resolves(create.getByText('Validation Error').first().waitFor({ state: 'visible' }), 'the 422 response is documented')

    // Webhooks: their own section, expandable, with the body schema.
    const hooks = page.locator('.webhooks')
    await hooks.waitFor()
    const hookRows = await hooks.locator('.opblock-summary').evaluateAll(els => els.map(el => el.textContent?.replace(/\u200b/g, '')))
    t.ok(hookRows.some(r => r?.includes('item-created')), 'item-created is in the Webhooks section')
    t.ok(hookRows.some(r => r?.includes('order-shipped')), 'order-shipped is in the Webhooks section')
    const hook = hooks.locator('.opblock', { hasText: 'item-created' })
    await hook.locator('.opblock-summary').click()
    const body = hook.locator('.opblock-section-request-body')
    await body.waitFor()
    const hookDescription = await hook.locator('.opblock-description-wrapper').first().innerText()
    t.match(hookDescription, /Sent when an item is created/)
    t.notMatch(hookDescription, /Internal: delivered/, 'the webhook description stops at \\f')
    await body.getByText('Schema', { exact: true }).first().click()
    // Swagger UI 5 renders 3.1 schemas with its JSON Schema 2020-12 components.
    const root = body.locator('.model-box article[data-json-schema-level="0"]').first()
    await root.waitFor()
    t.equal((await root.locator('.json-schema-2020-12__title').first().innerText()).trim(), 'Item', 'the body schema is the Item model')
    const fields = await root.locator('article[data-json-schema-level="1"] > .json-schema-2020-12-head .json-schema-2020-12__title').allInnerTexts()
    t.same(fields.map(f => f.trim()), ['id', 'name', 'description', 'price', 'tax', 'tags'], 'with its fields')

    const dir = await mkdtemp(join(tmpdir(), 'routecraft-docs-'))
    t.teardown(() => process.env.ROUTECRAFT_KEEP_SCREENSHOTS === '1' ? undefined : rm(dir, { recursive: true, force: true }))
    const shot = join(dir, 'showcase-docs.png')
    await page.screenshot({ path: shot, fullPage: true })
    t.ok((await stat(shot)).size > 20_000, 'a full-page screenshot was taken')
    t.comment(`screenshot: ${shot}${process.env.ROUTECRAFT_KEEP_SCREENSHOTS === '1' ? '' : ' (removed; ROUTECRAFT_KEEP_SCREENSHOTS=1 keeps it)'}`)
    t.same(errors, [], 'no script errors on the page')
  })

  t.test('x- extensions show in the docs', async t => {
    const app = await buildExtensions()
    const base = await serve(t, app)
    const { page, errors } = await openDocs(t, browser, base)
    const op = page.locator('.opblock').first()
    await op.locator('.opblock-summary').click()
    const extensions = op.getByText('x-aperture-labs-portal', { exact: true })
    await t.resolves(extensions.first().waitFor({ state: 'visible' }), 'the x-aperture-labs-portal extension is visible')
    t.match(await op.innerText(), /blue/, 'with its value')
    t.same(errors, [], 'no script errors on the page')
  })

  t.test('basic_auth_checked: Authorize, Try it out, Execute', async t => {
    const app = await buildBasicAuthChecked()
    const base = await serve(t, app)
    const { page, errors } = await openDocs(t, browser, base)

    await page.locator('.auth-wrapper .btn.authorize').click()
    const modal = page.locator('.modal-ux')
    await modal.waitFor()
    t.match(await modal.innerText(), /HTTPBasic\s*\(http, Basic\)/, 'the HTTPBasic scheme is offered')
    await modal.locator('input[name="username"]').fill('stanleyjobson')
    await modal.locator('input[name="password"]').fill('swordfish')
    await modal.locator('button.authorize').click()
    await t.resolves(modal.getByText('Logout').first().waitFor({ state: 'visible' }), 'logged in')
    await modal.locator('button.btn-done').click()
    await modal.waitFor({ state: 'detached' })

    const op = page.locator('#operations-default-read_current_user_users_me_get')
    await op.locator('.opblock-summary').click()
    await op.locator('.try-out__btn').click()
    const answer = page.waitForResponse(r => r.url() === `${base}/users/me`)
    await op.locator('.btn.execute').click()
    const response = await answer
    t.equal(response.status(), 200, 'the browser request was answered 200')
    t.equal(await response.request().headerValue('authorization'), `Basic ${Buffer.from('stanleyjobson:swordfish').toString('base64')}`)
    const live = op.locator('.live-responses-table')
    await live.waitFor()
    t.equal((await live.locator('.response .response-col_status').first().innerText()).trim(), '200', 'Swagger UI shows 200')
    const shown = await live.locator('.response .response-col_description').first().innerText()
    t.match(shown, /"username":\s*"stanleyjobson"/, 'and the body with the username')
    t.same(errors, [], 'no script errors on the page')
  })

  t.test('bearerAuth: Authorize with a token, Try it out, Execute', async t => {
    const app = Fastify()
    await app.register(openapi({ info: { title: 'Bearer', version: '1.0.0' } }))
    const token = bearerAuth({ bearerFormat: 'opaque' })
    const currentUser = dependency({ deps: { token }, resolve: function current_user ({ deps }) {
      if (deps.token.credentials !== 'sesame-123') throw new HttpError(401, 'Invalid token', { 'WWW-Authenticate': 'Bearer' })
      return 'rick'
    } })
    await app.register(route({ method: 'GET', url: '/me', deps: { user: currentUser }, handler: function read_me ({ deps }) { return { user: deps.user } } }))
    const base = await serve(t, app)
    const { page, errors } = await openDocs(t, browser, base)

    await page.locator('.auth-wrapper .btn.authorize').click()
    const modal = page.locator('.modal-ux')
    await modal.waitFor()
    t.match(await modal.innerText(), /HTTPBearer\s*\(http, Bearer\)/, 'the HTTPBearer scheme is offered')
    await modal.locator('input').first().fill('sesame-123')
    await modal.locator('button.authorize').click()
    await t.resolves(modal.getByText('Logout').first().waitFor({ state: 'visible' }), 'authorized')
    await modal.locator('button.btn-done').click()
    await modal.waitFor({ state: 'detached' })

    const op = page.locator('#operations-default-read_me_me_get')
    await op.locator('.opblock-summary').click()
    await op.locator('.try-out__btn').click()
    const answer = page.waitForResponse(r => r.url() === `${base}/me`)
    await op.locator('.btn.execute').click()
    const response = await answer
    t.equal(response.status(), 200, 'the browser request was answered 200')
    t.equal(await response.request().headerValue('authorization'), 'Bearer sesame-123', 'Swagger UI sent the token as a bearer token')
    const live = op.locator('.live-responses-table')
    await live.waitFor()
    t.equal((await live.locator('.response .response-col_status').first().innerText()).trim(), '200', 'Swagger UI shows 200')
    t.match(await live.locator('.response .response-col_description').first().innerText(), /"user":\s*"rick"/, 'and the body')
    t.same(errors, [], 'no script errors on the page')
  })

  t.test('a document with only webhooks renders', async t => {
    const app = Fastify()
    await app.register(openapi({ info: { title: 'Hooks only', version: '2.0.0' } }))
    await app.register(webhook({
      name: 'invoice-paid',
      body: Type.Object({ invoice_id: Type.String(), amount: Type.Number() }, { $id: 'InvoicePaid' }),
      description: 'Sent when an invoice is paid.',
    }))
    const base = await serve(t, app)
    const doc = await (await fetch(`${base}/openapi.json`)).json() as Record<string, unknown>
    t.same(Object.keys(doc.paths as object), [], 'no paths')
    t.same(Object.keys(doc.webhooks as object), ['invoice-paid'])
    t.equal((await new Validator().validate(doc)).valid, true, 'valid OpenAPI 3.1')

    const { page, errors } = await openDocs(t, browser, base)
    const hooks = page.locator('.webhooks')
    await hooks.waitFor()
    await t.resolves(hooks.getByText('invoice-paid', { exact: true }).first().waitFor({ state: 'visible' }), 'the webhook name is visible')
    await hooks.locator('.opblock-summary').first().click()
    await t.resolves(hooks.getByText('Sent when an invoice is paid.').first().waitFor({ state: 'visible' }), 'its description shows')
    t.same(errors, [], 'no script errors on the page')
  })
}
