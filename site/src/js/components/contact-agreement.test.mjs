import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { ContactAgreement, agreementBody, currentAgreement, savedWord } from './contact-agreement.mjs'

let browser = null
afterEach(() => browser && browser.restore())

const ACCOUNT = {
  email: 'ada@example.com',
  mobile: '+447700900982',
  channels: 'both',
  availableChannels: ['email', 'text', 'both'],
  quietHours: 'none',
  language: 'en',
  phrase: null,
  safeContact: false,
  pendingChange: null
}

async function open(page, { account = ACCOUNT, put = () => ({ status: 200, body: account }) } = {}) {
  const document = loadPage(page)
  browser = installBrowser(document, {
    answer: (url, init) => (init.method === 'PUT' ? put(init) : { status: 200, body: account })
  })
  const root = document.querySelector('[data-module="tmc-contact-agreement"]')
  const component = new ContactAgreement(root)
  await component.ready
  const form = root.querySelector('form')
  const radio = (name, value) => form.querySelectorAll(`input[name="${name}"]`).find((r) => r.value === value)
  const choose = (name, value) => {
    for (const r of form.querySelectorAll(`input[name="${name}"]`)) r.checked = r.value === value
  }
  const submit = async () => {
    form.requestSubmit()
    await settle()
    return browser.calls.filter((c) => c.method === 'PUT').map((c) => c.body)
  }
  return { document, root, form, radio, choose, submit }
}

describe('ContactAgreement on "How we contact you"', () => {
  it('shows the choices filled in from the account', async () => {
    const { form, radio, root } = await open('how-we-contact-you', {
      account: { ...ACCOUNT, channels: 'text', quietHours: '22:00-07:00', phrase: 'yellow teapot' }
    })
    assert.equal(form.hidden, false)
    assert.equal(root.querySelector('[data-tmc-loading]').hidden, true)
    assert.equal(radio('channels', 'text').checked, true)
    assert.equal(radio('channels', 'both').checked, false)
    assert.equal(radio('quietHoursWanted', 'yes').checked, true)
    assert.equal(form.elements.namedItem('quietFrom').value, '22:00')
    assert.equal(form.elements.namedItem('quietTo').value, '07:00')
    assert.equal(form.querySelector('#conditional-quiet-hours').classList.contains('govuk-radios__conditional--hidden'), false)
    assert.equal(form.elements.namedItem('phrase').value, 'yellow teapot')
    assert.equal(form.querySelectorAll('#quietFrom option').length, 24)
  })

  it('sends the whole agreement: the page\'s choices, and discreet messages as they were', async () => {
    const { choose, form, submit } = await open('how-we-contact-you', { account: { ...ACCOUNT, safeContact: true } })
    choose('channels', 'email')
    choose('quietHoursWanted', 'yes')
    form.elements.namedItem('quietFrom').value = '21:00'
    form.elements.namedItem('quietTo').value = '08:00'
    form.elements.namedItem('phrase').value = '  blue kettle sings '
    assert.deepEqual(await submit(), [{
      channels: 'email', quietHours: '21:00-08:00', language: 'en', safeContact: true, phrase: 'blue kettle sings'
    }])
    assert.deepEqual(browser.navigations, [['assign', '/account.html?saved=contact-agreement']])
  })

  it('leaves the phrase out when the box is emptied, which removes it', async () => {
    const { form, submit } = await open('how-we-contact-you', { account: { ...ACCOUNT, phrase: 'old phrase' } })
    form.elements.namedItem('phrase').value = ''
    const [body] = await submit()
    assert.equal('phrase' in body, false)
    assert.equal(body.quietHours, 'none')
  })

  it('with only an email address, offers no choice of channel and no quiet hours, and says how to add a number', async () => {
    const { form, root, submit } = await open('how-we-contact-you', {
      account: { ...ACCOUNT, mobile: null, channels: 'email', availableChannels: ['email'] }
    })
    assert.equal(root.querySelector('[data-tmc-choices]').hidden, true)
    assert.equal(root.querySelector('[data-tmc-only-channel]').hidden, false)
    assert.match(root.querySelector('[data-tmc-only-channel-text]').textContent, /only contact you by email/)
    assert.equal(root.querySelector('[data-tmc-add-address]').getAttribute('href'), '/change-mobile.html')
    assert.equal(form.querySelector('[data-tmc-quiet]').hidden, true)
    const [body] = await submit()
    assert.equal(body.channels, 'email')
    assert.equal(body.quietHours, 'none')
  })

  it('with only a mobile number, says so and offers to add an email address', async () => {
    const { root } = await open('how-we-contact-you', {
      account: { ...ACCOUNT, email: null, channels: 'text', availableChannels: ['text'] }
    })
    assert.match(root.querySelector('[data-tmc-only-channel-text]').textContent, /only contact you by text message/)
    assert.equal(root.querySelector('[data-tmc-add-address]').getAttribute('href'), '/change-email.html')
    assert.equal(root.querySelector('[data-tmc-quiet]').hidden, false)
  })

  it('on 400 shows each field\'s message beside its field, in the order of the page', async () => {
    const { document, submit } = await open('how-we-contact-you', {
      put: () => ({ status: 400, body: { fields: { phrase: 'Must be 4 characters or more', quietHours: 'Quiet hours must start and end at different times' } } })
    })
    await submit()
    assert.deepEqual(document.querySelectorAll('.govuk-error-summary__list a').map((a) => a.getAttribute('href')),
      ['#quietHours', '#phrase'])
    assert.equal(document.querySelector('#phrase-error').textContent, 'Error: Must be 4 characters or more')
    assert.match(document.title, /^Error: How we contact you – /)
    assert.deepEqual(browser.navigations, [])
  })

  it('on 401 goes to the page that says the session has ended', async () => {
    const { submit } = await open('how-we-contact-you', { put: () => ({ status: 401 }) })
    await submit()
    assert.deepEqual(browser.navigations, [['replace', '/timed-out.html']])
  })
})

describe('ContactAgreement on "Discreet messages"', () => {
  it('shows whether they are on, and sends the agreement with only that changed', async () => {
    const account = { ...ACCOUNT, channels: 'text', quietHours: '21:00-08:00', phrase: 'yellow teapot' }
    const { radio, choose, submit } = await open('discreet-messages', { account })
    assert.equal(radio('safeContact', 'false').checked, true)
    choose('safeContact', 'true')
    assert.deepEqual(await submit(), [{
      channels: 'text', quietHours: '21:00-08:00', language: 'en', safeContact: true, phrase: 'yellow teapot'
    }])
    assert.deepEqual(browser.navigations, [['assign', '/account.html?saved=safe-contact-on']])
  })
})

describe('the agreement\'s body', () => {
  it('starts from the agreement as it is, and each page changes only its own fields', () => {
    assert.deepEqual(currentAgreement({ ...ACCOUNT, quietHours: undefined }),
      { channels: 'both', quietHours: 'none', language: 'en', safeContact: false })
    assert.deepEqual(agreementBody(ACCOUNT, { safeContact: 'true' }),
      { channels: 'both', quietHours: 'none', language: 'en', safeContact: true })
    assert.equal(savedWord('safe-contact', { safeContact: false }), 'safe-contact-off')
    assert.equal(savedWord('contact-agreement', {}), 'contact-agreement')
  })
})
