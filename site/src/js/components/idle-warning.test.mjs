import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { FakeEvent, installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import {
  ACTIVITY_EVENTS, IdleWarning, KEEP_ALIVE_AFTER_MS, WARN_BEFORE_MS, describeTimeLeft, lastRequestAfterKeepAlive,
  sessionState, shouldKeepAlive
} from './idle-warning.mjs'

const MINUTE = 60 * 1000

describe('describeTimeLeft', () => {
  it('rounds up to whole minutes, and says less than a minute at the end', () => {
    assert.equal(describeTimeLeft(2 * MINUTE), '2 minutes')
    assert.equal(describeTimeLeft(61 * 1000), '2 minutes')
    assert.equal(describeTimeLeft(60 * 1000), '1 minute')
    assert.equal(describeTimeLeft(59 * 1000 + 1), '1 minute')
    assert.equal(describeTimeLeft(59 * 1000), 'less than a minute')
    assert.equal(describeTimeLeft(-5), 'less than a minute')
  })
})

describe('sessionState', () => {
  const now = Date.parse('2026-01-01T12:00:00Z')
  const idle15 = { now, idleTimeoutSeconds: 15 * 60, expiresAt: null }

  it('counts down from the last request to the idle timeout', () => {
    assert.deepEqual(sessionState({ ...idle15, lastRequest: now }), { left: 15 * MINUTE, absolute: false, warn: false })
    assert.deepEqual(sessionState({ ...idle15, lastRequest: now - 13 * MINUTE }), { left: WARN_BEFORE_MS, absolute: false, warn: true })
    assert.deepEqual(sessionState({ ...idle15, lastRequest: now - 15 * MINUTE }), { left: 0, absolute: false, warn: false })
  })

  it('stops at the absolute end when it comes first, which staying cannot move', () => {
    const state = sessionState({ ...idle15, lastRequest: now, expiresAt: now + MINUTE })
    assert.deepEqual(state, { left: MINUTE, absolute: true, warn: true })
    assert.equal(sessionState({ ...idle15, lastRequest: now, expiresAt: now + 20 * MINUTE }).absolute, false)
  })
})

describe('IdleWarning', () => {
  let browser
  let warning
  afterEach(() => {
    clearInterval(warning.timer)
    browser.restore()
  })

  function open({ expiresAt = null, stay = true } = {}) {
    const document = loadPage('case')
    browser = installBrowser(document)
    const dialog = document.querySelector('[data-tmc-idle-warning]')
    const events = []
    warning = new IdleWarning(dialog, {
      idleTimeoutSeconds: 15 * 60,
      expiresAt,
      staySignedIn: async () => (events.push('stay'), stay),
      onTimeout: () => events.push('timeout')
    })
    warning.watch()
    return { dialog, events, text: document.querySelector('#idle-warning-text') }
  }

  it('warns 2 minutes before the idle timeout, counting down', () => {
    const { dialog } = open()
    warning.check()
    assert.equal(dialog.open, false)
    warning.lastRequest = Date.now() - 13 * MINUTE - 30 * 1000
    warning.check()
    assert.equal(dialog.open, true)
    assert.equal(dialog.querySelector('[data-tmc-countdown]').textContent, '2 minutes')
    assert.equal(dialog.querySelector('[data-tmc-stay]').hidden, false)
  })

  it('closes the warning after a request, and ends the session on time, once', () => {
    const { dialog, events } = open()
    warning.lastRequest = Date.now() - 14 * MINUTE
    warning.check()
    assert.equal(dialog.open, true)
    warning.touch()
    assert.equal(dialog.open, false)
    warning.lastRequest = Date.now() - 15 * MINUTE
    warning.check()
    warning.check()
    assert.deepEqual(events, ['timeout'])
    assert.equal(dialog.open, false)
  })

  it('"Stay signed in" keeps the session, or ends it if the session had already ended', async () => {
    const first = open()
    warning.lastRequest = Date.now() - 14 * MINUTE
    warning.check()
    first.dialog.querySelector('[data-tmc-stay]').click()
    await settle()
    assert.equal(first.dialog.open, false)
    assert.deepEqual(first.events, ['stay'])
    clearInterval(warning.timer)
    browser.restore()

    const second = open({ stay: false })
    warning.lastRequest = Date.now() - 14 * MINUTE
    warning.check()
    second.dialog.querySelector('[data-tmc-stay]').click()
    await settle()
    assert.deepEqual(second.events, ['stay', 'timeout'])
  })

  it('Escape counts as staying signed in', async () => {
    const { dialog, events } = open()
    warning.lastRequest = Date.now() - 14 * MINUTE
    warning.check()
    const cancel = new FakeEvent('cancel', { cancelable: true })
    dialog.dispatchEvent(cancel)
    await settle()
    assert.equal(cancel.defaultPrevented, true)
    assert.deepEqual(events, ['stay'])
  })

  it('near the absolute end, does not offer to stay and says why', () => {
    const { dialog, text } = open({ expiresAt: Date.now() + 90 * 1000 })
    warning.check()
    assert.equal(dialog.open, true)
    assert.equal(dialog.querySelector('[data-tmc-stay]').hidden, true)
    assert.equal(text.textContent,
      'You have been signed in for the longest time allowed. To protect your information, we will sign you out in 2 minutes. You can then sign in again.')
  })

  it('throws, naming itself and the part, when the dialog lacks a part', () => {
    warning = { timer: null }
    const document = loadPage('case')
    browser = installBrowser(document)
    const dialog = document.querySelector('[data-tmc-idle-warning]')
    dialog.querySelector('[data-tmc-stay]').remove()
    assert.throws(() => new IdleWarning(dialog, {}), {
      name: 'MissingElementError', message: 'tmc-idle-warning: the "Stay signed in" button (`[data-tmc-stay]`) not found'
    })
  })
})

describe('shouldKeepAlive', () => {
  it('counts scrolling, key presses and taps as activity', () => {
    assert.deepEqual(ACTIVITY_EVENTS, ['scroll', 'keydown', 'pointerdown'])
  })

  const now = Date.parse('2026-01-01T12:00:00Z')
  const quiet = { now, warningOpen: false, sending: false }

  it('keeps alive once a minute has passed since the last request, not sooner', () => {
    assert.equal(shouldKeepAlive({ ...quiet, lastRequest: now - KEEP_ALIVE_AFTER_MS }), true)
    assert.equal(shouldKeepAlive({ ...quiet, lastRequest: now - 10 * MINUTE }), true)
    assert.equal(shouldKeepAlive({ ...quiet, lastRequest: now - KEEP_ALIVE_AFTER_MS + 1 }), false)
  })

  it('not while the warning asks the person to choose, nor while one is on its way, nor before watching', () => {
    const due = { ...quiet, lastRequest: now - 10 * MINUTE }
    assert.equal(shouldKeepAlive({ ...due, warningOpen: true }), false)
    assert.equal(shouldKeepAlive({ ...due, sending: true }), false)
    assert.equal(shouldKeepAlive({ ...quiet, lastRequest: null }), false)
  })
})

describe('lastRequestAfterKeepAlive', () => {
  const now = Date.parse('2026-01-01T12:00:00Z')
  const before = now - 10 * MINUTE

  it('starts again now when kept alive; a minute ago at the earliest when the server says too soon', () => {
    assert.equal(lastRequestAfterKeepAlive(204, now, before), now)
    assert.equal(lastRequestAfterKeepAlive(429, now, before), now - KEEP_ALIVE_AFTER_MS)
    assert.equal(lastRequestAfterKeepAlive(429, now, now - 1000), now - 1000)
  })

  it('changes nothing when the keep-alive failed', () => {
    assert.equal(lastRequestAfterKeepAlive(0, now, before), before)
    assert.equal(lastRequestAfterKeepAlive(503, now, before), before)
  })
})

describe('IdleWarning, using the page', () => {
  let browser
  let warning
  afterEach(() => {
    clearInterval(warning.timer)
    browser.restore()
  })

  function open(status = 204) {
    const document = loadPage('case')
    browser = installBrowser(document)
    const dialog = document.querySelector('[data-tmc-idle-warning]')
    const events = []
    warning = new IdleWarning(dialog, {
      idleTimeoutSeconds: 15 * 60,
      expiresAt: null,
      staySignedIn: async () => true,
      onTimeout: () => events.push('timeout'),
      keepAlive: async () => (events.push('keep-alive'), status)
    })
    warning.watch()
    return { document, dialog, events }
  }

  it('scrolling 10 minutes after the last request keeps the session alive, so no warning at 13', async () => {
    const { document, dialog, events } = open()
    warning.lastRequest = Date.now() - 10 * MINUTE
    document.dispatchEvent(new FakeEvent('scroll'))
    await settle()
    assert.deepEqual(events, ['keep-alive'])
    assert.ok(Date.now() - warning.lastRequest < 1000)
    warning.check()
    assert.equal(dialog.open, false)
  })

  it('sends nothing within a minute of the last request, and one at a time', async () => {
    const { document, events } = open()
    warning.lastRequest = Date.now() - 30 * 1000
    document.dispatchEvent(new FakeEvent('keydown'))
    await settle()
    assert.deepEqual(events, [])
    warning.lastRequest = Date.now() - 5 * MINUTE
    document.dispatchEvent(new FakeEvent('keydown'))
    document.dispatchEvent(new FakeEvent('pointerdown'))
    await settle()
    assert.deepEqual(events, ['keep-alive'])
  })

  it('a keep-alive the server refuses as signed out ends the session', async () => {
    const { document, events } = open(401)
    warning.lastRequest = Date.now() - 5 * MINUTE
    document.dispatchEvent(new FakeEvent('scroll'))
    await settle()
    assert.deepEqual(events, ['keep-alive', 'timeout'])
  })

  it('activity while the warning is open does not keep the session: the person chooses', async () => {
    const { document, dialog, events } = open()
    warning.lastRequest = Date.now() - 14 * MINUTE
    warning.check()
    assert.equal(dialog.open, true)
    document.dispatchEvent(new FakeEvent('scroll'))
    await settle()
    assert.deepEqual(events, [])
  })
})
