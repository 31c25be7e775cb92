import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { askedSentences, UpdateRequest } from './update-request.mjs'

const OPEN = { id: 'r1', requestedAt: '2026-11-29T18:40:00Z', replyDueBy: '2026-12-04' }

describe('askedSentences', () => {
  it('says when they asked, when the officer in charge will reply, and that we will email', () => {
    assert.deepEqual(askedSentences(OPEN), [
      'You asked for an update on 29 November 2026 at 6:40pm.',
      'The officer in charge will reply by Friday 4 December 2026.',
      'We will let you know when they reply.'
    ])
  })

  it('promises no date when the API gives none', () => {
    assert.equal(askedSentences({ ...OPEN, replyDueBy: null })[1], 'The officer in charge will reply as soon as they can.')
  })
})

describe('UpdateRequest', () => {
  let browser = null
  afterEach(() => browser.restore())

  /** The case page's "Ask for an update" part, started; the API answers with answers, in turn. */
  function open(answers = []) {
    const document = loadPage('case')
    browser = installBrowser(document, { answer: () => answers.shift() })
    const root = document.querySelector('[data-tmc-update-request]')
    const seen = { asked: [], failed: [] }
    const component = new UpdateRequest(root, {
      onAsked: (request, alreadyOpen) => seen.asked.push([request, alreadyOpen]),
      onFailed: (status) => seen.failed.push(status)
    })
    const parts = {
      offer: root.querySelector('[data-tmc-ask-offer]'),
      button: root.querySelector('[data-tmc-ask]'),
      asked: root.querySelector('[data-tmc-asked]')
    }
    return { document, root, component, seen, ...parts }
  }

  it('offers the button while no request is open', () => {
    const { component, offer, asked, button } = open()
    component.show(null)
    assert.equal(offer.hidden, false)
    assert.equal(button.textContent, 'Ask for an update')
    assert.equal(asked.hidden, true)
    assert.equal(asked.textContent, '')
  })

  it('while one is open, says what happens next instead of offering the button', () => {
    const { component, offer, asked } = open()
    component.show(OPEN)
    assert.equal(offer.hidden, true)
    assert.equal(asked.hidden, false)
    assert.equal(asked.textContent, 'You asked for an update on 29 November 2026 at 6:40pm. ' +
      'The officer in charge will reply by Friday 4 December 2026. We will let you know when they reply.')
    component.show(undefined)
    assert.equal(offer.hidden, false, 'once answered, the button is back')
  })

  it('asks with an empty JSON body, then says what happens next', async () => {
    const { button, offer, asked, seen } = open([{ status: 201, body: OPEN }])
    button.click()
    await settle()
    assert.deepEqual(browser.calls.map((c) => [c.url, c.method, c.headers['Content-Type'], c.credentials, c.body]),
      [['/api/victim/update-request', 'POST', 'application/json', 'same-origin', {}]])
    assert.deepEqual(seen.asked, [[OPEN, false]])
    assert.equal(offer.hidden, true)
    assert.match(asked.textContent, /^You asked for an update on 29 November 2026 at 6:40pm\./)
  })

  it('when one was already open (200), says so and shows that one', async () => {
    const { button, asked, seen } = open([{ status: 200, body: OPEN }])
    button.click()
    await settle()
    assert.deepEqual(seen.asked, [[OPEN, true]])
    assert.equal(asked.hidden, false)
  })

  it('asks once however often the button is pressed while waiting', async () => {
    let answer
    const { button, seen } = open([new Promise((resolve) => { answer = resolve })])
    button.click()
    button.click()
    assert.equal(button.getAttribute('aria-disabled'), 'true')
    answer({ status: 201, body: OPEN })
    await settle()
    assert.equal(browser.calls.length, 1)
    assert.equal(seen.asked.length, 1)
    assert.equal(button.disabled, false)
    assert.equal(button.hasAttribute('aria-disabled'), false)
  })

  it('hands any other answer, or none, to the page, and keeps the button', async () => {
    for (const answer of [{ status: 401 }, { status: 500 }, { status: 0 }, { status: 201, body: {} }]) {
      const { button, offer, seen } = open([answer])
      button.click()
      await settle()
      assert.deepEqual(seen.failed, [answer.status], JSON.stringify(answer))
      assert.deepEqual(seen.asked, [])
      assert.equal(offer.hidden, false)
      assert.equal(button.disabled, false)
      browser.restore()
    }
    browser = installBrowser(loadPage('case'))
  })

  it('throws, naming itself and the part, when a part is missing', () => {
    for (const selector of ['[data-tmc-ask-offer]', '[data-tmc-ask]', '[data-tmc-asked]']) {
      const document = loadPage('case')
      browser = installBrowser(document)
      const root = document.querySelector('[data-tmc-update-request]')
      root.querySelector(selector).remove()
      assert.throws(() => new UpdateRequest(root, { onAsked() {}, onFailed() {} }), (error) =>
        error.name === 'MissingElementError' && error.message.startsWith('tmc-update-request: ') &&
        error.message.includes(selector), selector)
      browser.restore()
    }
    browser = installBrowser(loadPage('case'))
  })
})
