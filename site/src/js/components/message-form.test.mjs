import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { MessageForm, messagesLeftText, tooManyMessages, urgentAdvice } from './message-form.mjs'

describe('what the message form says', () => {
  it('gives the numbers to call instead, the force\'s own or the national ones', () => {
    assert.equal(urgentAdvice('0300 123 4567', '999'), 'If it is urgent, call 0300 123 4567. In an emergency, call 999.')
    assert.equal(urgentAdvice('', undefined), 'If it is urgent, call 101. In an emergency, call 999.')
  })

  it("on a 429, gives the API's message, then what to do if it is urgent", () => {
    assert.equal(tooManyMessages({ code: 'too_many_requests', message: 'You can send more messages tomorrow.' }, '101', '999'),
      'You can send more messages tomorrow. If it is urgent, call 101. In an emergency, call 999.')
    assert.equal(tooManyMessages({ message: 'You can send more messages tomorrow' }, '101', '999'),
      'You can send more messages tomorrow. If it is urgent, call 101. In an emergency, call 999.', 'a full stop is added')
    assert.equal(tooManyMessages(null, '101', '999'),
      'You cannot send any more messages today. You can send more tomorrow. If it is urgent, call 101. In an emergency, call 999.')
  })

  it('does not repeat the numbers when the message already names them, but adds a force\'s own', () => {
    const api = { message: 'You have sent 10 messages today, the most you can send in a day. You can send more tomorrow. ' +
      'If you need to speak to someone sooner, call 101. In an emergency, call 999.' }
    assert.equal(tooManyMessages(api, '101', '999'), api.message)
    assert.equal(tooManyMessages(api, '0300 123 4567', '999'),
      `${api.message} If it is urgent, call 0300 123 4567. In an emergency, call 999.`)
  })

  it('says how many messages are left today only when few are', () => {
    assert.equal(messagesLeftText(1), 'You can send 1 more message today.')
    assert.equal(messagesLeftText(3), 'You can send 3 more messages today.')
    for (const left of [0, 4, 10, undefined, null, 'x']) assert.equal(messagesLeftText(left), '', String(left))
  })
})

describe('MessageForm', () => {
  let browser = null
  afterEach(() => browser.restore())

  /** The case page's message form, started; the API answers with answers, in turn. */
  function open(answers = []) {
    const document = loadPage('case')
    browser = installBrowser(document, { answer: () => answers.shift() })
    const root = document.querySelector('[data-tmc-message-form]')
    const errors = document.querySelector('[data-tmc-errors]')
    const seen = { sent: [], signedOut: 0, errors: 0 }
    const component = new MessageForm(root, {
      errors,
      onSent: (sent) => seen.sent.push(sent),
      onSignedOut: () => { seen.signedOut += 1 },
      onError: () => { seen.errors += 1 }
    })
    const form = root.querySelector('form')
    const textarea = root.querySelector('textarea')
    return { document, root, component, form, textarea, errors, seen }
  }

  it("is GOV.UK Frontend's character count, for 2,000 characters, with its count described", () => {
    const { root, textarea } = open()
    const group = root.querySelector('[data-module="govuk-character-count"]')
    assert.equal(group.dataset.maxlength, '2000')
    assert.ok(group.contains(textarea))
    assert.ok(textarea.classList.contains('govuk-js-character-count'))
    const info = root.querySelector(`#${textarea.id}-info`)
    assert.equal(info.textContent, 'You can enter up to 2,000 characters')
    assert.ok(textarea.getAttribute('aria-describedby').split(' ').includes(info.id))
    assert.equal(root.querySelectorAll('input[type="file"]').length, 0, 'no attachments')
  })

  it('says the message goes to the officer in charge and is not for emergencies', () => {
    const { root } = open()
    assert.match(root.textContent, /Your message goes to the officer in charge\./)
    assert.match(root.querySelector('.govuk-warning-text').textContent.replace(/\s+/g, ' '),
      /Messages are not for emergencies\. If you are in danger, call 999\. If it is urgent, call 101\./)
  })

  it('posts what was typed, as typed, to /victim/messages', async () => {
    const { form, textarea } = open([{ status: 201, body: { id: 'm1', sentAt: '2026-11-29T18:40:00Z', replyDueBy: '2026-12-04' } }])
    textarea.value = '  Is there any news?\nThank you  '
    form.requestSubmit()
    await settle()
    assert.deepEqual(browser.calls.map((c) => [c.url, c.method, c.headers['Content-Type'], c.credentials, c.body]),
      [['/api/victim/messages', 'POST', 'application/json', 'same-origin', { text: '  Is there any news?\nThank you  ' }]])
  })

  it('once sent, empties the box, lets the character count recount, clears errors and tells the page', async () => {
    const sent = { id: 'm1', sentAt: '2026-11-29T18:40:00Z', replyDueBy: '2026-12-04' }
    const { document, form, textarea, errors, seen } = open([{ status: 400, body: { fields: { text: 'Enter a message' } } }, { status: 201, body: sent }])
    const inputs = []
    textarea.addEventListener('input', (event) => inputs.push([event.target, textarea.value]))
    form.requestSubmit()
    await settle()
    textarea.value = 'Is there any news?'
    form.requestSubmit()
    await settle()
    assert.equal(textarea.value, '')
    assert.deepEqual(inputs, [[textarea, '']], 'an input event, as typing fires, after the box was emptied')
    assert.equal(errors.children.length, 0)
    assert.equal(form.querySelectorAll('.govuk-error-message, .govuk-form-group--error, .govuk-textarea--error').length, 0)
    assert.doesNotMatch(document.title, /^Error: /)
    assert.deepEqual(seen.sent, [sent])
    assert.equal(seen.errors, 1, 'only the 400 was an error')
  })

  it("on 400, shows the API's field message linked to the box and beside it, keeping what was typed", async () => {
    const { document, form, textarea, errors, seen } = open([{ status: 400, body: {
      code: 'invalid_input', message: 'Check the message', fields: { text: 'Message must be 2,000 characters or fewer' } } }])
    textarea.value = 'x'.repeat(2001)
    form.requestSubmit()
    await settle()
    const link = errors.querySelector('.govuk-error-summary a')
    assert.deepEqual([link.getAttribute('href'), link.textContent], ['#message', 'Message must be 2,000 characters or fewer'])
    assert.equal(document.activeElement, errors.querySelector('.govuk-error-summary'))
    assert.equal(document.querySelector('#text-error').textContent, 'Error: Message must be 2,000 characters or fewer')
    assert.ok(textarea.classList.contains('govuk-textarea--error'))
    assert.match(textarea.getAttribute('aria-describedby'), /\btext-error\b/)
    assert.equal(textarea.value.length, 2001)
    assert.match(document.title, /^Error: Your case – /)
    assert.equal(seen.errors, 1)
    assert.deepEqual(seen.sent, [])
  })

  it("on 429, gives the API's message and the numbers to call, linked to nothing, keeping what was typed", async () => {
    const { form, textarea, errors } = open([{ status: 429, body: {
      code: 'too_many_requests', message: 'You have sent 10 messages today. You can send more tomorrow.' } }])
    textarea.value = 'One more thing'
    form.requestSubmit()
    await settle()
    const items = errors.querySelectorAll('.govuk-error-summary__list li')
    assert.deepEqual(items.map((li) => li.textContent), [
      'You have sent 10 messages today. You can send more tomorrow. If it is urgent, call 101. In an emergency, call 999.'])
    assert.equal(errors.querySelectorAll('a').length, 0)
    assert.equal(form.querySelectorAll('.govuk-error-message').length, 0)
    assert.equal(textarea.value, 'One more thing')
  })

  it('on 401 tells the page the session has ended; on anything else says there is a problem with the service', async () => {
    const signedOut = open([{ status: 401 }])
    signedOut.form.requestSubmit()
    await settle()
    assert.equal(signedOut.seen.signedOut, 1)
    assert.equal(signedOut.errors.children.length, 0)
    browser.restore()
    for (const status of [0, 403, 500, 503]) {
      const { form, errors, seen } = open([{ status }])
      form.requestSubmit()
      await settle()
      assert.match(errors.querySelector('li').textContent, /problem with the service.*call 101/, String(status))
      assert.equal(seen.errors, 1)
      browser.restore()
    }
    browser = installBrowser(loadPage('case'))
  })

  it('sends once however often it is submitted while waiting', async () => {
    let answer
    const { form, seen } = open([new Promise((resolve) => { answer = resolve })])
    form.requestSubmit()
    form.requestSubmit()
    answer({ status: 201, body: { id: 'm1' } })
    await settle()
    assert.equal(browser.calls.length, 1)
    assert.equal(seen.sent.length, 1)
  })

  it('with none left today, says so instead of showing the form; with few left, how many', () => {
    const { component, root } = open()
    const compose = root.querySelector('[data-tmc-compose]')
    const left = root.querySelector('[data-tmc-messages-left]')
    const noMore = root.querySelector('[data-tmc-no-more-today]')
    component.show(0)
    assert.equal(compose.hidden, true, 'the form, and what to know before writing, go')
    assert.ok(compose.contains(root.querySelector('form')) && compose.contains(root.querySelector('.govuk-warning-text')))
    assert.equal(noMore.hidden, false)
    assert.equal(noMore.textContent, 'You have sent as many messages as you can today. You can send more tomorrow. ' +
      'If it is urgent, call 101. In an emergency, call 999.')
    assert.equal(left.hidden, true)
    component.show(2)
    assert.equal(compose.hidden, false)
    assert.equal(noMore.hidden, true)
    assert.equal(left.hidden, false)
    assert.equal(left.textContent, 'You can send 2 more messages today.')
    component.show(10)
    assert.equal(left.hidden, true)
    component.show(undefined)
    assert.equal(compose.hidden, false, 'an API that does not say shows the form')
  })

  it('throws, naming itself and the part or setting, when one is missing', () => {
    for (const selector of ['form', 'textarea[name="text"]', '[data-tmc-compose]', '[data-tmc-messages-left]', '[data-tmc-no-more-today]']) {
      const document = loadPage('case')
      browser = installBrowser(document)
      const root = document.querySelector('[data-tmc-message-form]')
      root.querySelector(selector).remove()
      assert.throws(() => new MessageForm(root, { errors: document.body }), (error) =>
        error.name === 'MissingElementError' && error.message.startsWith('tmc-message-form: ') &&
        error.message.includes(selector.startsWith('textarea') ? 'the message box' : selector), selector)
      browser.restore()
    }
    const document = loadPage('case')
    browser = installBrowser(document)
    const root = document.querySelector('[data-tmc-message-form]')
    root.removeAttribute('data-emergency-phone')
    assert.throws(() => new MessageForm(root, { errors: document.body }), /tmc-message-form: .*data-emergency-phone/)
  })
})
