import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { AccountView, accountRows, savedBanner } from './account-view.mjs'

let browser = null
afterEach(() => browser && browser.restore())

const ACCOUNT = {
  email: 'ada@example.com',
  mobile: '+447700900982',
  channels: 'both',
  availableChannels: ['email', 'text', 'both'],
  quietHours: '21:00-08:00',
  language: 'en',
  phrase: 'yellow teapot',
  safeContact: false,
  pendingChange: null
}

async function open({ status = 200, body = ACCOUNT, search = '' } = {}) {
  const document = loadPage('account')
  browser = installBrowser(document, { answer: () => ({ status, body }) })
  browser.location.search = search
  const root = document.querySelector('[data-module="tmc-account"]')
  const view = new AccountView(root)
  await view.ready
  await settle()
  const value = (name) => root.querySelector(`[data-tmc-field="${name}"]`).textContent
  return { document, root, view, value }
}

describe('AccountView', () => {
  it('reads the account and shows each row in words', async () => {
    const { root, value } = await open()
    assert.deepEqual(browser.calls.map((c) => [c.method, c.url]), [['GET', '/api/victim/account']])
    assert.equal(root.querySelector('[data-tmc-account]').hidden, false)
    assert.equal(root.querySelector('[data-tmc-loading]').hidden, true)
    assert.equal(value('email'), 'ada@example.com')
    assert.equal(value('mobile'), '07700 900 982')
    assert.equal(value('channels'), 'By email and text message')
    assert.equal(value('quietHours'), 'No texts between 9pm and 8am')
    assert.equal(value('language'), 'English')
    assert.equal(value('phrase'), 'yellow teapot')
    assert.equal(value('safeContact'), 'Off')
    assert.equal(root.querySelector('[data-tmc-pending]').hidden, true)
  })

  it('offers to add a missing mobile number, and leaves out quiet hours, which only hold texts', async () => {
    const { root, value } = await open({ body: { ...ACCOUNT, mobile: null, channels: 'email', availableChannels: ['email'] } })
    assert.equal(value('mobile'), 'Not given')
    assert.equal(root.querySelector('[data-tmc-action="mobile"] [data-tmc-action-word]').textContent, 'Add')
    assert.equal(root.querySelector('[data-tmc-action="email"] [data-tmc-action-word]').textContent, 'Change')
    assert.equal(root.querySelector('[data-tmc-quiet-row]').hidden, true)
  })

  it('says when a change waits for its code, with a link to enter it', async () => {
    const { root } = await open({ body: { ...ACCOUNT, pendingChange: { channel: 'text', expiresAt: '2026-11-29T12:00:00Z' } } })
    assert.equal(root.querySelector('[data-tmc-pending]').hidden, false)
    assert.match(root.querySelector('[data-tmc-pending-text]').textContent, /change your mobile number/)
    assert.equal(root.querySelector('[data-tmc-pending-link]').getAttribute('href'), '/change-mobile.html#code')
  })

  it('says what was saved, once, with a way back to the case', async () => {
    const { document } = await open({ search: '?saved=contact-agreement' })
    const banner = document.querySelector('.govuk-notification-banner--success')
    assert.equal(banner.querySelector('.govuk-notification-banner__heading').textContent, 'We have saved how we contact you')
    assert.equal(banner.querySelector('a').getAttribute('href'), '/case.html')
    assert.equal(browser.replacedUrl, '/page.html', 'the ?saved= is taken out of the address')
  })

  it('goes to sign in when nobody is signed in', async () => {
    await open({ status: 401, body: { code: 'signed_out' } })
    assert.deepEqual(browser.navigations, [['replace', '/sign-in.html']])
  })

  it('says there is a problem with the service when the account cannot be read', async () => {
    const { document, root } = await open({ status: 503, body: {} })
    assert.match(document.querySelector('.govuk-error-summary').textContent, /problem with the service/)
    assert.equal(root.querySelector('[data-tmc-account]').hidden, true)
  })
})

describe('accountRows and savedBanner', () => {
  it('says discreet messages are on in words that explain them', () => {
    assert.equal(accountRows({ ...ACCOUNT, safeContact: true }).safeContact,
      'On: messages do not say they are from the police')
    assert.equal(accountRows({ ...ACCOUNT, phrase: null }).phrase, 'None chosen')
  })

  it('knows only the changes this site saves', () => {
    assert.equal(savedBanner('?saved=email').heading, 'Your email address has been changed')
    assert.equal(savedBanner('?saved=<script>'), null)
    assert.equal(savedBanner(''), null)
  })
})
