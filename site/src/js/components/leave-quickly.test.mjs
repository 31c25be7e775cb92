import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { FakeEvent, installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { rememberSession } from '../api.mjs'
import { HIDE_CONTENT, LeaveQuickly } from './leave-quickly.mjs'

let browser = null
afterEach(() => browser.restore())

function open(page = 'case') {
  const document = loadPage(page)
  browser = installBrowser(document)
  const signOuts = () => browser.calls.filter((c) => c.url === '/api/victim/sign-out')
  return { document, signOuts }
}

describe('LeaveQuickly', () => {
  it('starts on the body of every page', () => {
    const { document } = open('index')
    assert.equal(document.body.dataset.module, LeaveQuickly.moduleName)
  })

  it('signs out as the button is pressed, before anything else on the page hears the click', async () => {
    const { document, signOuts } = open()
    rememberSession({ idleTimeoutSeconds: 600 })
    new LeaveQuickly(document.body)
    const button = document.querySelector('.govuk-js-exit-this-page-button')
    let sentBeforeButtonHeard = null
    button.addEventListener('click', () => { sentBeforeButtonHeard = signOuts().length === 1 })
    button.querySelector('.govuk-visually-hidden').click()
    await settle()
    assert.equal(sentBeforeButtonHeard, true)
    assert.deepEqual(signOuts().map((c) => [c.method, c.keepalive]), [['POST', true]])
    assert.equal(browser.sessionStorage.getItem('tmc.idleTimeoutSeconds'), null)
  })

  it('signs out as the skip link is pressed, and only once however it is left', async () => {
    const { document, signOuts } = open()
    new LeaveQuickly(document.body)
    document.querySelector('.govuk-js-exit-this-page-skiplink').click()
    document.querySelector('.govuk-js-exit-this-page-button').click()
    document.body.classList.add(HIDE_CONTENT)
    await settle()
    assert.equal(signOuts().length, 1)
  })

  it('signs out when GOV.UK Frontend hides the page (Shift three times)', async () => {
    const { document, signOuts } = open()
    new LeaveQuickly(document.body)
    document.body.classList.add('some-other-class')
    await settle()
    assert.equal(signOuts().length, 0)
    document.body.classList.add(HIDE_CONTENT)
    await settle()
    assert.equal(signOuts().length, 1)
  })

  it('does nothing for other clicks', async () => {
    const { document, signOuts } = open()
    new LeaveQuickly(document.body)
    document.querySelector('[data-tmc-refresh]').click()
    document.querySelector('.govuk-skip-link[data-module="govuk-skip-link"]').click()
    document.querySelector('a[href="/help.html"]').click()
    document.body.dispatchEvent(new FakeEvent('click', { bubbles: true }))
    await settle()
    assert.equal(signOuts().length, 0)
  })

  it('throws, naming itself and the part, when the button or skip link is missing', () => {
    for (const selector of ['.govuk-js-exit-this-page-button', '.govuk-js-exit-this-page-skiplink']) {
      const { document } = open()
      document.querySelector(selector).remove()
      assert.throws(() => new LeaveQuickly(document.body), (error) =>
        error.name === 'MissingElementError' && error.message.startsWith('tmc-leave-quickly: ') &&
        error.message.includes(selector))
      browser.restore()
    }
    browser = installBrowser(loadPage('index'))
  })
})
