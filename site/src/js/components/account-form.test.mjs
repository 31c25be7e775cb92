import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { rememberSession } from '../api.mjs'
import { AccountForm, SIGNED_OUT_PAGE } from './account-form.mjs'

let browser = null
afterEach(() => browser && browser.restore())

function open(page, { answer = () => ({ status: 500 }) } = {}) {
  const document = loadPage(page)
  browser = installBrowser(document, { answer })
  const root = document.querySelector('[data-module="tmc-account-form"]')
  const form = root.querySelector('form')
  const type = (values) => {
    for (const [name, value] of Object.entries(values)) form.elements.namedItem(name).value = value
  }
  const shown = () => root.querySelectorAll('[data-tmc-state]').filter((p) => !p.hidden).map((p) => p.dataset.tmcState)
  return { document, root, form, type, shown, start: () => new AccountForm(root) }
}

describe('AccountForm on the change password page', () => {
  it('sends the current and the new password to /victim/password', async () => {
    const { form, type, start } = open('change-password')
    start()
    type({ currentPassword: 'marble kettle orchard', newPassword: 'lantern harbour violet' })
    form.requestSubmit()
    await settle()
    assert.deepEqual(browser.calls.map((c) => [c.method, c.url, c.body]), [['POST', '/api/victim/password',
      { currentPassword: 'marble kettle orchard', newPassword: 'lantern harbour violet' }]])
  })

  it('on 204 forgets the session (every session has ended) and says to sign in with the new password', async () => {
    const { document, form, shown, start } = open('change-password', { answer: () => ({ status: 204 }) })
    rememberSession({ idleTimeoutSeconds: 900, expiresAt: '2026-05-01T16:00:00Z' })
    start()
    form.requestSubmit()
    await settle()
    assert.deepEqual(shown(), ['done'])
    assert.match(document.title, /^You have changed your password – /)
    assert.equal(document.activeElement, document.querySelector('[data-tmc-state="done"] h1'))
    assert.equal(browser.sessionStorage.getItem('tmc.idleTimeoutSeconds'), null)
    assert.equal(document.querySelector('[data-tmc-state="done"] a.govuk-button').getAttribute('href'), '/sign-in.html')
  })

  it('on 400 shows each field\'s message beside it, current password first, and "Error: " in the title', async () => {
    const { document, form, shown, start } = open('change-password', {
      answer: () => ({
        status: 400,
        body: { fields: { newPassword: 'Enter a new password', currentPassword: 'This is not your current password' } }
      })
    })
    start()
    form.requestSubmit()
    await settle()
    assert.deepEqual(shown(), ['form'])
    assert.deepEqual(document.querySelectorAll('.govuk-error-summary__list a').map((a) => [a.getAttribute('href'), a.textContent]),
      [['#currentPassword', 'This is not your current password'], ['#newPassword', 'Enter a new password']])
    assert.equal(document.querySelector('#currentPassword-error').textContent, 'Error: This is not your current password')
    assert.equal(document.querySelector('#newPassword').getAttribute('aria-describedby'), 'newPassword-hint newPassword-error')
    assert.match(document.title, /^Error: Change your password – /)
  })

  it('on 401 (the session had ended) goes to the page that says so, keeping nothing', async () => {
    const { document, form, start } = open('change-password', { answer: () => ({ status: 401 }) })
    start()
    form.requestSubmit()
    await settle()
    assert.deepEqual(browser.navigations, [['replace', SIGNED_OUT_PAGE]])
    assert.equal(document.querySelectorAll('.govuk-error-summary').length, 0)
  })

  it('on a failure of the service says so, with the number to call', async () => {
    const { document, form, start } = open('change-password', { answer: () => ({ status: 503 }) })
    start()
    form.requestSubmit()
    await settle()
    assert.match(document.querySelector('.govuk-error-summary').textContent, /problem with the service.*call 101/)
  })
})
