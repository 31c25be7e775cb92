import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage } from '../../../test-support/dom.mjs'
import { isEnded, NextSteps, SITUATIONS, situation } from './next-steps.mjs'

const update = (type, postedAt, text = `${type} text`) => ({ id: `${type}-${postedAt}`, type, postedAt, text })

describe('situation', () => {
  it('follows the status, with no reason while the case goes on', () => {
    for (const status of ['investigating', 'charged', 'at_court']) {
      assert.deepEqual(situation(status, [update('progress_update', '2026-11-01T10:00:00Z')]), { name: status, reason: null })
    }
  })

  it('gives a closed case the officer\'s reason from the newest closing update', () => {
    const updates = [
      update('case_closed', '2026-10-01T10:00:00Z', 'Closed the first time.'),
      update('case_reopened', '2026-10-05T10:00:00Z'),
      update('case_closed', '2026-11-01T10:00:00Z', 'No suspect could be identified from the CCTV.'),
      update('progress_update', '2026-11-02T10:00:00Z')
    ]
    assert.deepEqual(situation('closed', updates), { name: 'closed', reason: 'No suspect could be identified from the CCTV.' })
  })

  it('says a closed case has no reason here when the closing update is not among those read', () => {
    assert.deepEqual(situation('closed', []), { name: 'closed', reason: null })
  })

  it('gives a decision not to investigate its reason', () => {
    const updates = [update('not_investigated', '2026-11-01T10:00:00Z', 'There are no lines of enquiry.')]
    assert.deepEqual(situation('not_investigated', updates), { name: 'not_investigated', reason: 'There are no lines of enquiry.' })
  })

  it('finds a decision not to charge, which leaves the status as being investigated', () => {
    const updates = [
      update('interviewed_under_caution', '2026-10-01T10:00:00Z'),
      update('not_charged', '2026-11-01T10:00:00Z', 'There is not enough evidence to charge.'),
      update('progress_update', '2026-11-03T10:00:00Z')
    ]
    assert.deepEqual(situation('investigating', updates), { name: 'not_charged', reason: 'There is not enough evidence to charge.' })
  })

  it('a later turning point (reopened, charged) outranks an earlier decision not to charge', () => {
    const notCharged = update('not_charged', '2026-10-01T10:00:00Z')
    assert.equal(situation('investigating', [notCharged, update('case_reopened', '2026-11-01T10:00:00Z')]).name, 'investigating')
    assert.equal(situation('charged', [notCharged, update('charged', '2026-11-01T10:00:00Z')]).name, 'charged')
  })

  it('knows nothing of a status it was not written for', () => {
    assert.deepEqual(situation('archived', []), { name: null, reason: null })
    assert.equal(situation('not_charged', []).name, null) // a situation, never a status
  })

  it('counts closed and not investigated as ended', () => {
    assert.deepEqual(SITUATIONS.filter(isEnded), ['not_investigated', 'closed'])
  })
})

describe('NextSteps', () => {
  let browser
  afterEach(() => browser.restore())

  function open() {
    const document = loadPage('case')
    browser = installBrowser(document)
    return { document, steps: new NextSteps(document.querySelector('[data-tmc-next-steps]')) }
  }

  const shown = (document) => [...document.querySelectorAll('[data-tmc-situation]')].filter((e) => !e.hidden)
    .map((e) => e.getAttribute('data-tmc-situation'))

  it('shows only the situation that fits, with the reason as text', () => {
    const { document, steps } = open()
    const reason = '<img src=x onerror=alert(1)> No suspect.'
    assert.equal(steps.show('closed', [update('case_closed', '2026-11-01T10:00:00Z', reason)]), 'closed')
    assert.deepEqual(shown(document), ['closed'])
    const closed = document.querySelector('[data-tmc-situation="closed"]')
    assert.equal(closed.querySelector('[data-tmc-reason]').hidden, false)
    assert.equal(closed.querySelector('[data-tmc-reason-text]').textContent, reason)
    assert.equal(closed.querySelector('[data-tmc-no-reason]').hidden, true)
  })

  it('points to the updates when the closing update is not on the page, and changes with the case', () => {
    const { document, steps } = open()
    steps.show('closed', [])
    const closed = document.querySelector('[data-tmc-situation="closed"]')
    assert.equal(closed.querySelector('[data-tmc-reason]').hidden, true)
    assert.equal(closed.querySelector('[data-tmc-no-reason]').hidden, false)
    steps.show('investigating', [update('case_reopened', '2026-11-05T10:00:00Z')])
    assert.deepEqual(shown(document), ['investigating'])
  })

  it('throws, naming the part, when a situation is missing from the page', () => {
    const document = loadPage('case')
    browser = installBrowser(document)
    document.querySelector('[data-tmc-situation="not_charged"]').remove()
    assert.throws(() => new NextSteps(document.querySelector('[data-tmc-next-steps]')), {
      name: 'MissingElementError',
      message: 'tmc-next-steps: the "not_charged" situation (`[data-tmc-situation="not_charged"]`) not found'
    })
  })
})
