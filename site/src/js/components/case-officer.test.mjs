// The case page's rules added with issue 15: no "Ask for an update" on an
// ended case, the status after a decision not to charge, and how to reach the
// officer in charge (collar number, phone, message).
import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { CaseView, officerContact, telLink, withNode } from './case-view.mjs'

const CASE = {
  crimeNumber: 'LC-2026-100200',
  status: 'investigating',
  statusLabel: 'Being investigated',
  officer: { name: 'PC Jordan Reid', role: 'Officer in charge', collarNumber: null, phone: null },
  openUpdateRequest: null,
  messagesLeftToday: 5,
  updates: [{ id: 'u1', postedAt: '2026-01-05T10:00:00Z', type: 'crime_recorded', typeLabel: 'Crime recorded', text: 'Recorded.' }],
  messages: []
}
const NOT_CHARGED = { id: 'u2', postedAt: '2026-01-09T10:00:00Z', type: 'not_charged', typeLabel: 'Decision not to charge', text: 'Not enough evidence.' }
const CLOSED = { id: 'u3', postedAt: '2026-01-10T10:00:00Z', type: 'case_closed', typeLabel: 'Case closed', text: 'Closed.' }

let browser = null
let view = null
afterEach(() => {
  if (view) clearInterval(view.idle.timer)
  view = null
  browser.restore()
})

async function show(body) {
  const document = loadPage('case')
  browser = installBrowser(document, { answer: () => ({ status: 200, body }) })
  view = new CaseView(document.querySelector('[data-module="tmc-case"]'))
  await view.ready
  await settle()
  const text = (selector) => document.querySelector(selector).textContent
  return { document, text, contact: document.querySelector('[data-tmc-officer-contact]') }
}

describe('the case page on an ended case', () => {
  for (const [status, updates] of [['closed', [CLOSED, ...CASE.updates]], ['not_investigated', CASE.updates]]) {
    it(`offers no "Ask for an update" when the case is ${status}`, async () => {
      const { document } = await show({ ...CASE, status, statusLabel: status, updates })
      assert.equal(document.querySelector('[data-tmc-update-request]').hidden, true)
      assert.equal(document.querySelector('[data-tmc-ask-offer]').hidden, true)
      assert.equal(document.querySelector('[data-tmc-refresh]').hidden, true)
    })
  }

  it('still says what happens to a request made before the case ended', async () => {
    const request = { requestedAt: '2026-01-09T10:00:00Z', replyDueBy: '2026-01-14' }
    const { document } = await show({ ...CASE, status: 'closed', updates: [CLOSED], openUpdateRequest: request })
    assert.equal(document.querySelector('[data-tmc-update-request]').hidden, false)
    assert.equal(document.querySelector('[data-tmc-ask-offer]').hidden, true)
    assert.match(document.querySelector('[data-tmc-asked]').textContent, /^You asked for an update on 9 January 2026/)
  })

  it('offers "Ask for an update" on a case being investigated', async () => {
    const { document } = await show(CASE)
    assert.equal(document.querySelector('[data-tmc-update-request]').hidden, false)
    assert.equal(document.querySelector('[data-tmc-ask-offer]').hidden, false)
  })
})

describe('the status after a decision not to charge', () => {
  it('is "Decision not to charge", not "Being investigated"', async () => {
    const { text, document } = await show({ ...CASE, updates: [NOT_CHARGED, ...CASE.updates] })
    assert.equal(text('[data-tmc-field="status"]'), 'Decision not to charge')
    assert.equal(document.querySelector('[data-tmc-situation="not_charged"]').hidden, false)
  })

  it('is the API’s label again once the case moves on (charged after all)', async () => {
    const charged = { id: 'u4', postedAt: '2026-01-11T10:00:00Z', type: 'charged', typeLabel: 'Suspect charged' }
    const { text } = await show({ ...CASE, status: 'charged', statusLabel: 'Someone has been charged', updates: [charged, NOT_CHARGED] })
    assert.equal(text('[data-tmc-field="status"]'), 'Someone has been charged')
  })
})

describe('reaching the officer in charge', () => {
  it('gives their collar number and their own phone as a tel: link, and a link to the message form', async () => {
    const officer = { ...CASE.officer, collarNumber: '2417', phone: '01234 567890' }
    const { contact, text } = await show({ ...CASE, officer })
    assert.equal(text('[data-tmc-field="officer"]'), 'PC Jordan Reid')
    assert.equal(contact.hidden, false)
    assert.deepEqual(contact.querySelectorAll('p').map((p) => p.textContent),
      ['Collar number 2417', 'Call 01234 567890', 'Send them a message'])
    const links = contact.querySelectorAll('a')
    assert.deepEqual(links.map((a) => a.getAttribute('href')), ['tel:01234567890', '#message'])
  })

  it('without their phone, says to call the force and whom to ask for, quoting the crime number', async () => {
    const { contact } = await show({ ...CASE, officer: { ...CASE.officer, collarNumber: '2417' } })
    const lines = contact.querySelectorAll('p').map((p) => p.textContent)
    assert.equal(lines[1], 'Call 101 and ask for PC Jordan Reid, collar number 2417, quoting your crime number')
    assert.equal(contact.querySelector('a').getAttribute('href'), 'tel:101')
  })

  it('without a collar number, leaves it out', async () => {
    const { contact } = await show(CASE)
    assert.deepEqual(contact.querySelectorAll('p').map((p) => p.textContent),
      ['Call 101 and ask for PC Jordan Reid, quoting your crime number', 'Send them a message'])
  })

  it('offers no message link when no more messages can be sent today, and nothing when no officer is assigned', async () => {
    const { contact } = await show({ ...CASE, messagesLeftToday: 0 })
    assert.deepEqual(contact.querySelectorAll('a').map((a) => a.getAttribute('href')), ['tel:101'])
    view && clearInterval(view.idle.timer)
    browser.restore()
    const none = await show({ ...CASE, officer: null })
    assert.equal(none.text('[data-tmc-field="officer"]'), 'Not yet assigned')
    assert.equal(none.contact.hidden, true)
  })

  it('puts a link where the message says', () => {
    assert.deepEqual(withNode('Call {phone} now', 'phone', 'X'), ['Call ', 'X', ' now'])
    assert.deepEqual(withNode('{phone}', 'phone', 'X'), ['X'])
    assert.deepEqual(withNode('No phone', 'phone', 'X'), ['No phone'])
    assert.deepEqual(officerContact({}, { forcePhone: '101' }), [])
  })

  it('dials the digits of a number however it is written', () => {
    const document = loadPage('case')
    browser = installBrowser(document)
    assert.equal(telLink('+44 (0)1234 567-890').getAttribute('href'), 'tel:+4401234567890')
  })
})
