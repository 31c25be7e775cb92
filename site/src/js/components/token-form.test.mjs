import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { rememberSession } from '../api.mjs'
import { TokenForm } from './token-form.mjs'

let browser = null
afterEach(() => browser && browser.restore())

function open(page, { hash = '', answer = () => ({ status: 500 }) } = {}) {
  const document = loadPage(page)
  browser = installBrowser(document, { hash, answer })
  const root = document.querySelector('[data-module="tmc-token-form"]')
  const form = root.querySelector('form')
  const type = (values) => {
    for (const [name, value] of Object.entries(values)) form.elements.namedItem(name).value = value
  }
  const shown = () => root.querySelectorAll('[data-tmc-state]').filter((p) => !p.hidden).map((p) => p.dataset.tmcState)
  return { document, root, form, type, shown, start: () => new TokenForm(root) }
}

describe('TokenForm on the register page', () => {
  it('without an invitation in the link, says to use the link in the email, and sends nothing', async () => {
    const { document, form, shown, start } = open('register')
    start()
    assert.deepEqual(shown(), ['no-invitation'])
    assert.match(document.title, /^Use the link in your invitation email – /)
    form.requestSubmit()
    await settle()
    assert.deepEqual(browser.calls, [])
  })

  it('takes the invitation from the link, removes it from the address, and sends it with the form', async () => {
    const { form, type, shown, start } = open('register', { hash: '#invitation=inv.abc-123' })
    start()
    assert.equal(browser.location.hash, '')
    assert.deepEqual(shown(), ['form'])
    type({ 'dateOfBirth-day': '14', 'dateOfBirth-month': '2', 'dateOfBirth-year': '1991', password: 'marble kettle' })
    form.requestSubmit()
    await settle()
    assert.deepEqual(browser.calls.map((c) => [c.url, c.body]), [['/api/victim/register',
      { invitation: 'inv.abc-123', dateOfBirth: '1991-02-14', password: 'marble kettle' }]])
  })

  it('on 201 shows the crime number to keep', async () => {
    const { document, form, shown, start } = open('register', {
      hash: '#invitation=abc', answer: () => ({ status: 201, body: { crimeNumber: 'LC-2026-424242' } })
    })
    start()
    form.requestSubmit()
    await settle()
    assert.deepEqual(shown(), ['done'])
    assert.equal(document.querySelector('[data-tmc-answer="crimeNumber"]').textContent, 'LC-2026-424242')
    assert.match(document.title, /^You have registered – /)
    assert.equal(document.activeElement, document.querySelector('[data-tmc-state="done"] h1'))
  })

  it('on 400 about the invitation, shows why it cannot be used instead of the form', async () => {
    const { document, form, shown, start } = open('register', {
      hash: '#invitation=abc', answer: () => ({ status: 400, body: { fields: { invitation: 'This invitation has expired' } } })
    })
    start()
    form.requestSubmit()
    await settle()
    assert.deepEqual(shown(), ['bad-invitation'])
    assert.equal(document.querySelector('[data-tmc-state="bad-invitation"] [data-tmc-message]').textContent,
      'This invitation has expired')
    assert.equal(document.querySelectorAll('.govuk-error-summary').length, 0)
  })

  it('on 400 about the fields, shows the errors on the form', async () => {
    const { document, form, shown, start } = open('register', {
      hash: '#invitation=abc', answer: () => ({ status: 400, body: { fields: { password: 'Choose a longer password' } } })
    })
    start()
    form.requestSubmit()
    await settle()
    assert.deepEqual(shown(), ['form'])
    assert.equal(document.querySelector('#password-error').textContent, 'Error: Choose a longer password')
    assert.equal(document.querySelector('#password').getAttribute('aria-describedby'), 'password-hint password-error')
  })
})

describe('TokenForm on the reset password page', () => {
  it('sends the token and the new password to /victim/password-reset/complete', async () => {
    const { form, type, start } = open('reset-password', { hash: '#token=tok-1' })
    start()
    type({ password: 'a whole new password' })
    form.requestSubmit()
    await settle()
    assert.deepEqual(browser.calls.map((c) => [c.url, c.body]),
      [['/api/victim/password-reset/complete', { token: 'tok-1', password: 'a whole new password' }]])
  })

  it('on 204 forgets the session (every session has ended) and says the password has changed', async () => {
    const { document, form, shown, start } = open('reset-password', { hash: '#token=tok-1', answer: () => ({ status: 204 }) })
    rememberSession({ idleTimeoutSeconds: 900, expiresAt: '2026-05-01T16:00:00Z' })
    start()
    form.requestSubmit()
    await settle()
    assert.deepEqual(shown(), ['done'])
    assert.match(document.title, /^Your password has been changed – /)
    assert.equal(browser.sessionStorage.getItem('tmc.idleTimeoutSeconds'), null)
    assert.equal(browser.sessionStorage.getItem('tmc.expiresAt'), null)
  })

  it('without a token, or with a refused one, says what to do instead', async () => {
    const first = open('reset-password')
    first.start()
    assert.deepEqual(first.shown(), ['no-token'])
    browser.restore()

    const second = open('reset-password', {
      hash: '#token=old', answer: () => ({ status: 400, body: { fields: { token: 'This link has been used' } } })
    })
    second.start()
    second.form.requestSubmit()
    await settle()
    assert.deepEqual(second.shown(), ['bad-token'])
    assert.equal(second.root.querySelector('[data-tmc-state="bad-token"] [data-tmc-message]').textContent,
      'This link has been used')
  })
})

describe('TokenForm and its HTML', () => {
  it('throws, naming itself and the part, when a part for a bad link is missing', () => {
    const { root, start } = open('register', { hash: '#invitation=abc' })
    root.querySelector('[data-tmc-state="bad-invitation"] [data-tmc-message]').remove()
    assert.throws(start, {
      name: 'MissingElementError',
      message: /^tmc-token-form: the message of the "bad-invitation" part/
    })
    assert.equal(browser.location.hash, '#invitation=abc', 'the token stays in the link of a page that failed')
  })

  it('throws when it has no data-token setting', () => {
    const { root, start } = open('reset-password', { hash: '#token=abc' })
    root.removeAttribute('data-token')
    assert.throws(start, { name: 'ComponentError', message: 'tmc-token-form: the root element has no data-token setting' })
  })
})
