import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { sessionTimings } from '../api.mjs'
import { IdentityForm, MISMATCH, PAUSED } from './identity-form.mjs'

let browser = null
afterEach(() => browser && browser.restore())

/** The page with its IdentityForm started; the API answers with answer. */
function open(page, answer) {
  const document = loadPage(page)
  browser = installBrowser(document, { answer })
  const root = document.querySelector('[data-module="tmc-identity-form"]')
  const component = new IdentityForm(root)
  const form = root.querySelector('form')
  const type = (values) => {
    for (const [name, value] of Object.entries(values)) form.elements.namedItem(name).value = value
  }
  return { document, root, component, form, type }
}

const YOU = { surname: 'Okafor', crimeNumber: 'LC-2026-100200', 'dateOfBirth-day': '9', 'dateOfBirth-month': '7', 'dateOfBirth-year': '1984' }
const SENT_BODY = { surname: 'Okafor', crimeNumber: 'LC-2026-100200', dateOfBirth: '1984-07-09' }

describe('IdentityForm on the sign-in page', () => {
  it('posts who the person is and their password to /victim/sign-in', async () => {
    const { form, type } = open('sign-in', () => ({ status: 500 }))
    type({ ...YOU, password: 'marble kettle orchard lantern' })
    form.requestSubmit()
    await settle()
    assert.deepEqual(browser.calls.map((c) => [c.url, c.method]), [['/api/victim/sign-in', 'POST']])
    assert.deepEqual(browser.calls[0].body, { ...SENT_BODY, password: 'marble kettle orchard lantern' })
  })

  it('on 200 keeps the session timings and goes to the case', async () => {
    const { form } = open('sign-in', () => ({
      status: 200, body: { idleTimeoutSeconds: 900, expiresAt: '2026-05-01T16:00:00Z' }
    }))
    form.requestSubmit()
    await settle()
    assert.deepEqual(browser.navigations, [['assign', '/case.html']])
    assert.deepEqual(sessionTimings(), { idleTimeoutSeconds: 900, expiresAt: Date.parse('2026-05-01T16:00:00Z') })
  })

  it('on 401 says the details do not match, naming and marking no field', async () => {
    const { document, form } = open('sign-in', () => ({ status: 401, body: { message: 'Those details do not match' } }))
    form.requestSubmit()
    await settle()
    const summary = document.querySelector('.govuk-error-summary')
    assert.deepEqual(summary.querySelectorAll('a').map((a) => [a.getAttribute('href'), a.textContent]),
      [['#surname', 'Those details do not match'], ['/forgotten-password.html', 'reset your password']])
    assert.equal(form.querySelectorAll('.govuk-error-message, .govuk-form-group--error, .govuk-input--error').length, 0)
    assert.match(document.title, /^Error: Sign in – /)
    assert.deepEqual(browser.navigations, [])
  })

  it('on 401 without a message uses its own', async () => {
    const { document, form } = open('sign-in', () => ({ status: 401 }))
    form.requestSubmit()
    await settle()
    assert.equal(document.querySelector('.govuk-error-summary a').textContent, MISMATCH)
  })

  it('on 429 sign_in_paused says to wait, and offers the reset', async () => {
    const { document, form } = open('sign-in', () => ({ status: 429, body: { code: 'sign_in_paused' } }))
    form.requestSubmit()
    await settle()
    const links = document.querySelectorAll('.govuk-error-summary a').map((a) => a.textContent)
    assert.deepEqual(links, [PAUSED, 'reset your password'])
    assert.equal(form.querySelectorAll('.govuk-input--error').length, 0)
  })

  it('marks only the date box a message names', async () => {
    const { document, form } = open('sign-in', () => ({ status: 400, body: { fields: { dateOfBirth: 'Month must be a number from 1 to 12' } } }))
    form.requestSubmit()
    await settle()
    assert.deepEqual(form.querySelectorAll('.govuk-input--error').map((input) => input.id), ['dateOfBirth-month'])
    assert.equal(document.querySelector('.govuk-error-summary a').getAttribute('href'), '#dateOfBirth-month')
  })

  it('on 400 shows the API\'s field errors beside the fields', async () => {
    const { document, form } = open('sign-in', () => ({ status: 400, body: { fields: { password: 'Enter your password' } } }))
    form.requestSubmit()
    await settle()
    assert.equal(document.querySelector('#password-error').textContent, 'Error: Enter your password')
    assert.equal(document.querySelector('.govuk-error-summary a').getAttribute('href'), '#password')
  })

  it('on anything else, or no answer, says there is a problem with the service', async () => {
    for (const status of [0, 429, 500, 503]) {
      const { document, form } = open('sign-in', () => ({ status }))
      form.requestSubmit()
      await settle()
      assert.match(document.querySelector('.govuk-error-summary li').textContent, /problem with the service/, String(status))
      browser.restore()
    }
    browser = null
  })

  it('sends once while waiting for the answer, however often it is submitted', async () => {
    let release
    const { form } = open('sign-in', () => new Promise((resolve) => { release = () => resolve({ status: 500 }) }))
    const button = form.querySelector('button[type="submit"]')
    form.requestSubmit()
    await settle()
    assert.equal(button.disabled, true)
    assert.equal(button.getAttribute('aria-disabled'), 'true')
    form.requestSubmit()
    form.requestSubmit()
    release()
    await settle()
    assert.equal(browser.calls.length, 1)
    assert.equal(button.disabled, false)
    assert.equal(button.hasAttribute('aria-disabled'), false)
  })
})

describe('IdentityForm on the forgotten password page', () => {
  it('posts who the person is, without a password, to /victim/password-reset', async () => {
    const { form, type } = open('forgotten-password', () => ({ status: 202, body: { message: 'Sent' } }))
    type(YOU)
    form.requestSubmit()
    await settle()
    assert.deepEqual(browser.calls.map((c) => [c.url, c.body]), [['/api/victim/password-reset', SENT_BODY]])
  })

  it('on 202 empties the form and shows "Check your email or text messages", without starting a session', async () => {
    const { document, form, type } = open('forgotten-password', () => ({ status: 202, body: { message: 'Sent' } }))
    type(YOU)
    form.requestSubmit()
    await settle()
    assert.equal(form.elements.namedItem('surname').value, '')
    assert.equal(document.querySelector('[data-tmc-state="form"]').hidden, true)
    assert.equal(document.querySelector('[data-tmc-state="sent"]').hidden, false)
    assert.match(document.title, /^Check your email or text messages – /)
    assert.equal(document.activeElement, document.querySelector('[data-tmc-state="sent"] h1'))
    assert.deepEqual(browser.navigations, [])
    assert.equal(browser.sessionStorage.getItem('tmc.idleTimeoutSeconds'), null)
  })
})

describe('IdentityForm and its HTML', () => {
  it('throws, naming itself and the part, when the form is missing', () => {
    const document = loadPage('sign-in')
    browser = installBrowser(document)
    const root = document.querySelector('[data-module="tmc-identity-form"]')
    root.querySelector('form').remove()
    assert.throws(() => new IdentityForm(root), { name: 'MissingElementError', message: 'tmc-identity-form: the form (`form`) not found' })
  })

  it('throws when the part to show on success is missing', () => {
    const document = loadPage('forgotten-password')
    browser = installBrowser(document)
    const root = document.querySelector('[data-module="tmc-identity-form"]')
    root.querySelector('[data-tmc-state="sent"]').remove()
    assert.throws(() => new IdentityForm(root), { name: 'MissingElementError', message: /tmc-identity-form: the "sent" part/ })
  })

  it('throws when a setting is missing or wrong', () => {
    for (const [attribute, value, message] of [
      ['data-endpoint', null, /no data-endpoint setting/],
      ['data-success-page', null, /neither data-success-page nor data-success-state/],
      ['data-session', 'maybe', /data-session is "maybe"/]
    ]) {
      const document = loadPage('sign-in')
      browser = installBrowser(document)
      const root = document.querySelector('[data-module="tmc-identity-form"]')
      if (value === null) root.removeAttribute(attribute)
      else root.setAttribute(attribute, value)
      assert.throws(() => new IdentityForm(root), { name: 'ComponentError', message }, attribute)
      browser.restore()
    }
    browser = null
  })
})
