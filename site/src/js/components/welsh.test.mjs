// The components' words on a Welsh page: with the Welsh catalogue installed,
// what each component writes shows no message key and none of the English
// catalogue's words (the pages' own HTML is English here: loadPage builds the
// English page, so only what the scripts write is looked at).
import assert from 'node:assert/strict'
import { after, afterEach, before, describe, it } from 'node:test'
import { pick } from '../../../lib/catalogue.mjs'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { useCatalogue } from '../i18n.mjs'
import { AccountView } from './account-view.mjs'
import { CaseView } from './case-view.mjs'
import { IdentityForm } from './identity-form.mjs'
import { describeTimeLeft, IdleWarning } from './idle-warning.mjs'
import { TokenForm } from './token-form.mjs'

const ENGLISH = pick('en', 'js')
const WELSH = pick('cy', 'js')

/**
 * The English catalogue's words long enough to be telling: each message's
 * text between its placeholders, 6 characters or more.
 */
const ENGLISH_WORDS = [...new Set(Object.values(ENGLISH).flat()
  .flatMap((text) => text.split(/\{[A-Za-z_]+\}/))
  .map((part) => part.trim())
  .filter((part) => part.length >= 6 && /[a-z]{3}/i.test(part)))]

function assertWelsh(text, where) {
  assert.doesNotMatch(text, /\bjs\.[a-z_]+/, `${where}: a message key shows: ${text}`)
  for (const words of ENGLISH_WORDS) {
    assert.ok(!text.includes(words), `${where}: English "${words}" in: ${text}`)
  }
  assert.ok(text.trim().length > 0, `${where}: nothing written`)
}

before(() => useCatalogue('cy', WELSH))
after(() => useCatalogue('en', ENGLISH))

let browser = null
let view = null
afterEach(() => {
  if (view && view.idle) clearInterval(view.idle.timer)
  if (view && view.timer) clearInterval(view.timer)
  view = null
  if (browser) browser.restore()
  browser = null
})

// What the API would send a Welsh page (its own words already in Welsh).
const CASE = {
  crimeNumber: 'LC-2026-100200',
  status: 'investigating',
  statusLabel: 'Yn cael ei ymchwilio',
  officer: { name: 'PC Jordan Reid', role: 'Ditectif', collarNumber: '2417', phone: null },
  nextUpdateDueBy: '2026-12-04',
  openUpdateRequest: { requestedAt: '2026-11-27T15:05:00Z', replyDueBy: '2026-12-02' },
  messagesLeftToday: 2,
  olderCursor: 'c1',
  updates: [
    { id: 'u1', postedAt: '2026-11-20T10:00:00Z', type: 'crime_recorded', typeLabel: 'Trosedd wedi’i chofnodi', text: 'Cofnodwyd.', officerName: 'PC Reid' },
    { id: 'u2', postedAt: '2026-11-25T10:00:00Z', type: 'not_charged', typeLabel: 'Penderfyniad i beidio â chyhuddo', text: 'Dim digon o dystiolaeth.' }
  ],
  messages: [
    { id: 'm1', from: 'victim', kind: 'update_request', text: '', sentAt: '2026-11-21T09:00:00Z', readAt: '2026-11-21T10:00:00Z', answeredAt: '2026-11-22T16:00:00Z' },
    { id: 'm2', from: 'officer', kind: 'message', text: 'Diolch.', sentAt: '2026-11-22T16:00:00Z' },
    { id: 'm3', from: 'officer', kind: 'message', text: 'Diolch eto.', sentAt: '2026-11-23T16:00:00Z', officerName: 'PC Reid' },
    { id: 'm4', from: 'victim', kind: 'message', text: 'Helo.', sentAt: '2026-11-24T21:05:00Z', readAt: null, answeredAt: null, replyDueBy: '2026-11-27' }
  ]
}

describe('the case page in Welsh', () => {
  it('writes the status, officer, dates, conversation, counts and results of a check in Welsh', async () => {
    const answers = [
      { status: 200, body: CASE },
      { status: 200, body: { updates: [], messages: [] } },
      { status: 200, body: CASE },
      { status: 201, body: { id: 'm5', replyDueBy: '2026-12-01' } },
      { status: 200, body: CASE }
    ]
    const document = loadPage('case')
    browser = installBrowser(document, { answer: () => answers.shift() })
    view = new CaseView(document.querySelector('[data-module="tmc-case"]'))
    await view.ready
    const text = (selector) => document.querySelector(selector).textContent
    assert.equal(text('[data-tmc-field="status"]'), 'Penderfyniad i beidio â chyhuddo')
    assert.equal(text('[data-tmc-field="nextUpdateDueBy"]'), 'Erbyn Dydd Gwener 4 Rhagfyr 2026')
    assert.match(text('[data-tmc-asked]'), /^Gwnaethoch chi ofyn am ddiweddariad ar 27 Tachwedd 2026 am 3:05yp\./)
    assert.match(text('[data-tmc-updates]'), /24 Tachwedd 2026 am 9:05yp/)
    assert.equal(text('[data-tmc-officer-contact]'),
      'Rhif coler 2417Ffoniwch 101 a gofynnwch am PC Jordan Reid, rhif coler 2417, gan roi eich cyfeirnod trosedd' +
      'Anfon neges at y swyddog')
    for (const selector of ['[data-tmc-field="status"]', '[data-tmc-officer-contact]', '[data-tmc-field="nextUpdateDueBy"]',
      '[data-tmc-updates]', '[data-tmc-asked]', '[data-tmc-messages-left]']) {
      assertWelsh(text(selector), selector)
    }
    await view.showOlder()
    assert.equal(text('[data-tmc-older-status]'), 'Does dim negeseuon na diweddariadau hŷn.')
    await view.checkForUpdates()
    assert.match(text('[data-tmc-refresh-status]'), /^Gwiriwyd am \d{1,2}:\d\dy[bp]\. 2 ddiweddariad a 4 neges\.$/)
    assertWelsh(text('[data-tmc-refresh-status]'), 'the check')
    view.messageForm.textarea.value = 'Helo eto'
    view.messageForm.form.requestSubmit()
    await settle()
    const banner = document.querySelector('[data-tmc-banner]').textContent
    assert.match(banner, /Bydd yn ateb erbyn Dydd Mawrth 1 Rhagfyr 2026\./)
    assertWelsh(banner, 'the banner')
  })

  it('says when the case cannot be read, in Welsh, and goes to the Welsh sign-in page when signed out', async () => {
    const document = loadPage('case')
    browser = installBrowser(document, { answer: () => ({ status: 500 }) })
    view = new CaseView(document.querySelector('[data-module="tmc-case"]'))
    await view.ready
    assertWelsh(document.querySelector('[data-tmc-errors]').textContent, 'the error summary')
    clearInterval(view.idle.timer)
    browser.restore()
    const again = loadPage('case')
    browser = installBrowser(again, { answer: () => ({ status: 401 }) })
    view = new CaseView(again.querySelector('[data-module="tmc-case"]'))
    await view.ready
    assert.deepEqual(browser.navigations, [['replace', '/cy/sign-in.html']])
  })
})

describe('the identity form in Welsh', () => {
  it('says the details do not match, with the reset link to the Welsh page, and "Gwall: " in the title', async () => {
    const document = loadPage('sign-in')
    browser = installBrowser(document, { answer: () => ({ status: 401, body: {} }) })
    const root = document.querySelector('[data-module="tmc-identity-form"]')
    new IdentityForm(root)
    root.querySelector('form').requestSubmit()
    await settle()
    const summary = document.querySelector('.govuk-error-summary')
    assertWelsh(summary.textContent, 'the error summary')
    assert.match(summary.textContent, /Doedd dim modd i ni eich mewngofnodi/)
    assert.deepEqual(summary.querySelectorAll('a').map((a) => a.getAttribute('href')).slice(-1), ['/cy/forgotten-password.html'])
    assert.match(document.title, /^Gwall: /)
  })

  it('goes to the Welsh case page when signed in', async () => {
    const document = loadPage('sign-in')
    browser = installBrowser(document, { answer: () => ({ status: 200, body: { idleTimeoutSeconds: 900 } }) })
    new IdentityForm(document.querySelector('[data-module="tmc-identity-form"]'))
    document.querySelector('form').requestSubmit()
    await settle()
    assert.deepEqual(browser.navigations, [['assign', '/cy/case.html']])
  })
})

describe('the token form in Welsh', () => {
  it('shows a field error with its Welsh prefix and the summary title, and the service problem, in Welsh', async () => {
    const answers = [
      { status: 400, body: { fields: { dateOfBirth: 'Rhaid i’r flwyddyn gynnwys 4 digid' } } },
      { status: 500 }
    ]
    const document = loadPage('register')
    browser = installBrowser(document, { hash: '#invitation=inv.abc', answer: () => answers.shift() })
    const root = document.querySelector('[data-module="tmc-token-form"]')
    new TokenForm(root)
    const form = root.querySelector('form')
    form.requestSubmit()
    await settle()
    assertWelsh(document.querySelector('[data-tmc-errors]').textContent, 'the error summary')
    assertWelsh(form.querySelector('[data-tmc-inline-error]').textContent, 'the inline error')
    assert.deepEqual(form.querySelectorAll('.govuk-input--error').map((input) => input.id), ['dateOfBirth-year'])
    form.requestSubmit()
    await settle()
    const summary = document.querySelector('[data-tmc-errors]').textContent
    assertWelsh(summary, 'the service problem')
    assert.match(summary, /Mae problem wedi codi/)
  })
})

describe('the idle warning in Welsh', () => {
  it('counts down in Welsh and explains the longest session in Welsh', () => {
    const document = loadPage('case')
    browser = installBrowser(document)
    const dialog = document.querySelector('[data-tmc-idle-warning]')
    view = new IdleWarning(dialog, {
      idleTimeoutSeconds: 15 * 60,
      expiresAt: Date.now() + 90 * 1000,
      staySignedIn: async () => true,
      onTimeout: () => {}
    })
    view.watch()
    view.check()
    assert.equal(dialog.open, true)
    const text = document.querySelector('#idle-warning-text').textContent
    assert.equal(text, 'Rydych chi wedi mewngofnodi ers yr amser hiraf a ganiateir. Er mwyn diogelu eich gwybodaeth, ' +
      'byddwn ni’n eich allgofnodi ymhen 2 funud. Yna gallwch chi fewngofnodi eto.')
    assertWelsh(text, 'the warning')
    assert.deepEqual([0, 30 * 1000, 60 * 1000, 3 * 60 * 1000, 7 * 60 * 1000].map(describeTimeLeft),
      ['llai na munud', 'llai na munud', '1 munud', '3 munud', '7 munud'])
  })
})

describe('your account in Welsh', () => {
  it('writes every row, the pending change and the saved banner in Welsh', async () => {
    const account = {
      email: 'ada@example.com', mobile: null, channels: 'both', availableChannels: ['email', 'text', 'both'],
      quietHours: '21:00-12:00', language: 'cy', phrase: null, safeContact: true, pendingChange: { channel: 'text' }
    }
    const document = loadPage('account')
    browser = installBrowser(document, { answer: () => ({ status: 200, body: account }) })
    browser.location.search = '?saved=contact-agreement'
    const root = document.querySelector('[data-module="tmc-account"]')
    const accountView = new AccountView(root)
    await accountView.ready
    const value = (name) => root.querySelector(`[data-tmc-field="${name}"]`).textContent
    assert.equal(value('quietHours'), 'Dim negeseuon testun o 9yp tan hanner dydd')
    assert.equal(value('language'), 'Cymraeg')
    for (const name of ['mobile', 'channels', 'quietHours', 'phrase', 'safeContact']) assertWelsh(value(name), name)
    assertWelsh(root.querySelector('[data-tmc-pending]').textContent.replace(/\s+/g, ' '), 'the pending change')
    assert.equal(root.querySelector('[data-tmc-pending-link]').getAttribute('href'), '/cy/change-mobile.html#code')
    const banner = document.querySelector('[data-tmc-banner]')
    assertWelsh(banner.textContent, 'the banner')
    assert.equal(banner.querySelector('a').getAttribute('href'), '/cy/case.html')
  })
})
