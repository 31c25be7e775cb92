import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { ContactChange, tooManyChanges } from './contact-change.mjs'

let browser = null
afterEach(() => browser && browser.restore())

const ACCOUNT = {
  email: 'ada@example.com', mobile: null, channels: 'email', availableChannels: ['email'],
  quietHours: 'none', language: 'en', phrase: null, safeContact: false, pendingChange: null
}

async function open(page, { account = ACCOUNT, hash = '', answer = () => ({ status: 500 }) } = {}) {
  const document = loadPage(page)
  browser = installBrowser(document, {
    hash,
    answer: (url, init) => (init.method === 'GET' ? { status: 200, body: account } : answer(url, init))
  })
  const root = document.querySelector('[data-module="tmc-contact-change"]')
  const component = new ContactChange(root)
  await component.ready
  const shown = () => root.querySelectorAll('[data-tmc-state]').filter((p) => !p.hidden).map((p) => p.dataset.tmcState)
  const addressForm = root.querySelector('form[data-tmc-address-form]')
  const codeForm = root.querySelector('form[data-tmc-code-form]')
  const send = async (form, values) => {
    for (const [name, value] of Object.entries(values)) form.elements.namedItem(name).value = value
    form.requestSubmit()
    await settle()
  }
  const posts = () => browser.calls.filter((c) => c.method === 'POST').map((c) => [c.url, c.body])
  return { document, root, shown, addressForm, codeForm, send, posts }
}

describe('ContactChange on "Change your email address"', () => {
  it('says what the address is now, sends the new one, then asks for the code sent to it', async () => {
    const { document, root, shown, addressForm, send, posts } = await open('change-email', {
      answer: () => ({ status: 202, body: { channel: 'email', expiresAt: '2026-11-29T12:00:00Z' } })
    })
    assert.equal(root.querySelector('[data-tmc-current]').textContent, 'Your email address is ada@example.com.')
    assert.equal(root.querySelector('[data-tmc-notice-old]').hidden, false)
    await send(addressForm, { email: ' ada.new@example.com ' })
    assert.deepEqual(posts(), [['/api/victim/account/email', { email: ' ada.new@example.com ' }]])
    assert.deepEqual(shown(), ['code'])
    assert.equal(root.querySelector('[data-tmc-sent-to]').textContent, 'We have sent an email with a code to ada.new@example.com.')
    assert.match(document.title, /^Enter the code we emailed you – /)
    assert.equal(document.activeElement, root.querySelector('[data-tmc-state="code"] h1'))
  })

  it('sends the code without spaces, and once it is right goes to "Your account", which says so', async () => {
    const { codeForm, send, posts } = await open('change-email', { hash: '#code', answer: () => ({ status: 200, body: ACCOUNT }) })
    await send(codeForm, { code: '123 456' })
    assert.deepEqual(posts(), [['/api/victim/account/confirm', { code: '123456' }]])
    assert.deepEqual(browser.navigations, [['assign', '/account.html?saved=email']])
  })

  it('shows the API\'s message beside the code when it is wrong', async () => {
    const { document, codeForm, send } = await open('change-email', {
      answer: () => ({ status: 400, body: { fields: { code: 'This code is not right. Check it and try again' } } })
    })
    await send(codeForm, { code: '000000' })
    assert.equal(document.querySelector('#code-error').textContent, 'Error: This code is not right. Check it and try again')
    assert.equal(document.querySelector('.govuk-error-summary__list a').getAttribute('href'), '#code')
  })

  it('shows the API\'s message beside the new address when it is refused', async () => {
    const { document, shown, addressForm, send } = await open('change-email', {
      answer: () => ({ status: 400, body: { fields: { email: 'Enter an email address in the correct format, like name@example.com' } } })
    })
    await send(addressForm, { email: 'not an address' })
    assert.deepEqual(shown(), ['form'])
    assert.match(document.querySelector('#email-error').textContent, /correct format/)
    assert.match(document.title, /^Error: Change your email address – /)
  })

  it('after too many changes today, says so with the number to call', async () => {
    const { document, addressForm, send } = await open('change-email', { answer: () => ({ status: 429, body: {} }) })
    await send(addressForm, { email: 'ada.new@example.com' })
    assert.match(document.querySelector('.govuk-error-summary').textContent, /too many times today.*call 101/)
  })

  it('opened from "Enter the code" while a change waits, starts at the code', async () => {
    const { root, shown } = await open('change-email', {
      hash: '#code', account: { ...ACCOUNT, pendingChange: { channel: 'email', expiresAt: '2026-11-29T12:00:00Z' } }
    })
    assert.deepEqual(shown(), ['code'])
    assert.equal(root.querySelector('[data-tmc-sent-to]').textContent, 'We have sent an email with a code to your new email address.')
  })

  it('on 401 goes to the page that says the session has ended', async () => {
    const { addressForm, send } = await open('change-email', { answer: () => ({ status: 401 }) })
    await send(addressForm, { email: 'ada.new@example.com' })
    assert.deepEqual(browser.navigations, [['replace', '/timed-out.html']])
  })
})

describe('ContactChange on "Change your mobile number"', () => {
  it('without a number yet, is "Add a mobile number", and the code goes by text', async () => {
    const { document, root, addressForm, send, posts } = await open('change-mobile', {
      answer: () => ({ status: 202, body: { channel: 'text', expiresAt: '2026-11-29T12:00:00Z' } })
    })
    assert.equal(root.querySelector('[data-tmc-heading]').textContent, 'Add a mobile number')
    assert.match(document.title, /^Add a mobile number – /)
    assert.equal(root.querySelector('[data-tmc-current]').hidden, true)
    assert.equal(root.querySelector('[data-tmc-notice-old]').hidden, true)
    await send(addressForm, { mobile: '07700 900 982' })
    assert.deepEqual(posts(), [['/api/victim/account/mobile', { mobile: '07700 900 982' }]])
    assert.equal(root.querySelector('[data-tmc-sent-to]').textContent, 'We have sent a text with a code to 07700 900 982.')
  })

  it('shows a number it has as people in the UK write it', async () => {
    const { root } = await open('change-mobile', { account: { ...ACCOUNT, mobile: '+447700900123' } })
    assert.equal(root.querySelector('[data-tmc-current]').textContent, 'Your mobile number is 07700 900 123.')
  })
})

describe('tooManyChanges', () => {
  it('uses the API\'s message when it gives one', () => {
    assert.equal(tooManyChanges({ message: 'Try again tomorrow' }, '101'), 'Try again tomorrow')
  })
})
