import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage } from '../../../test-support/dom.mjs'
import {
  checkedMessage, conversation, entryAuthor, entryHeading, entryStatus, formatDue, formatPosted, renderEntry
} from './conversation.mjs'

describe('formatDue', () => {
  it('gives the weekday, day, month and year, with no comma', () => {
    assert.equal(formatDue('2026-12-04'), 'Friday 4 December 2026')
    assert.equal(formatDue('2027-01-01'), 'Friday 1 January 2027')
  })

  it('never moves the date, whatever the device zone: it is a date, not a time', () => {
    // 29 March 2026 is the day the clocks go forward in the UK.
    assert.equal(formatDue('2026-03-29'), 'Sunday 29 March 2026')
  })

  it('leaves what is not a date as it came', () => {
    assert.equal(formatDue('2026-02-30'), '2026-02-30')
    assert.equal(formatDue('soon'), 'soon')
    assert.equal(formatDue(null), '')
  })
})

const UPDATE_1 = { id: 'u1', postedAt: '2026-11-20T09:00:00Z', type: 'crime_recorded', text: 'We have recorded the crime.', officerName: 'PC Reid' }
const UPDATE_2 = { id: 'u2', postedAt: '2026-11-27T15:00:00Z', type: 'suspect_arrested', typeLabel: 'Suspect arrested', text: 'A man was arrested.', officerName: 'PC Reid' }
const ASKED = { id: 'm1', from: 'victim', kind: 'update_request', text: '', sentAt: '2026-11-25T10:00:00Z', readAt: '2026-11-25T12:30:00Z', answeredAt: '2026-11-26T08:00:00Z', replyDueBy: null }
const REPLY = { id: 'm2', from: 'officer', kind: 'message', text: 'We are waiting for CCTV.', sentAt: '2026-11-26T08:00:00Z', officerName: 'PC 2417 Jordan Reid', readAt: null }
const WROTE = { id: 'm3', from: 'victim', kind: 'message', text: 'Thank you.\nWill I need to go to court?', sentAt: '2026-11-28T18:40:00Z', readAt: null, answeredAt: null, replyDueBy: '2026-12-04' }

describe('conversation', () => {
  it('interleaves updates, messages, requests and replies, newest first', () => {
    const entries = conversation([UPDATE_1, UPDATE_2], [WROTE, REPLY, ASKED])
    assert.deepEqual(entries.map((e) => [e.item.id, e.type, e.from]), [
      ['m3', 'message', 'victim'],
      ['u2', 'update', 'officer'],
      ['m2', 'message', 'officer'],
      ['m1', 'update_request', 'victim'],
      ['u1', 'update', 'officer']
    ])
    assert.deepEqual(entries.map((e) => e.at), [WROTE.sentAt, UPDATE_2.postedAt, REPLY.sentAt, ASKED.sentAt, UPDATE_1.postedAt])
  })

  it('sorts whatever order they came in, and leaves the lists given alone', () => {
    const updates = [UPDATE_1, UPDATE_2]
    const messages = [ASKED, WROTE, REPLY]
    assert.deepEqual(conversation(updates, messages).map((e) => e.item.id), ['m3', 'u2', 'm2', 'm1', 'u1'])
    assert.deepEqual(updates.map((u) => u.id), ['u1', 'u2'])
    assert.deepEqual(messages.map((m) => m.id), ['m1', 'm3', 'm2'])
  })

  it('copes with no messages (an API without them) or no updates', () => {
    assert.deepEqual(conversation([UPDATE_1], undefined).map((e) => e.item.id), ['u1'])
    assert.deepEqual(conversation(null, [REPLY]).map((e) => e.item.id), ['m2'])
    assert.deepEqual(conversation(undefined, undefined), [])
  })

  it('keeps the order given for the same time, and puts a time it cannot read last', () => {
    const same = { ...REPLY, id: 'same', sentAt: UPDATE_1.postedAt }
    const odd = { ...WROTE, id: 'odd', sentAt: 'not a time' }
    assert.deepEqual(conversation([UPDATE_1], [odd, same]).map((e) => e.item.id), ['u1', 'same', 'odd'])
  })
})

describe('what each entry says', () => {
  const [wrote, update, reply, asked] = conversation([UPDATE_2], [WROTE, REPLY, ASKED])

  it('heads each with the update type, or who wrote it', () => {
    assert.equal(entryHeading(update), 'Suspect arrested')
    assert.equal(entryHeading(conversation([UPDATE_1], [])[0]), 'Crime recorded', 'a type without a label, as words')
    assert.equal(entryHeading(reply), 'Message from PC 2417 Jordan Reid')
    assert.equal(entryHeading(conversation([], [{ ...REPLY, officerName: undefined }])[0]), 'Message from the officer in charge')
    assert.equal(entryHeading(wrote), 'Message from you')
    assert.equal(entryHeading(asked), 'You asked for an update')
  })

  it('names the officer after the time of an update only: a message says who in its heading', () => {
    assert.equal(entryAuthor(update), ', by PC Reid')
    assert.equal(entryAuthor(conversation([{ ...UPDATE_2, officerName: '' }], [])[0]), '')
    assert.equal(entryAuthor(reply), '')
    assert.equal(entryAuthor(wrote), '')
  })

  it("says whether the person's own items were read, and answered or when to expect a reply", () => {
    assert.deepEqual(entryStatus(wrote), ['Not read yet', 'Expect a reply by Friday 4 December 2026'])
    assert.deepEqual(entryStatus(asked), ['Read by the officer on 25 November 2026 at 12:30pm', 'Answered'])
    const readNotAnswered = conversation([], [{ ...WROTE, readAt: '2026-11-29T09:15:00Z' }])[0]
    assert.deepEqual(entryStatus(readNotAnswered), ['Read by the officer on 29 November 2026 at 9:15am', 'Expect a reply by Friday 4 December 2026'])
    const noDate = conversation([], [{ ...WROTE, replyDueBy: null }])[0]
    assert.deepEqual(entryStatus(noDate), ['Not read yet'])
  })

  it("says nothing of the kind about the officer's own updates and messages", () => {
    assert.deepEqual(entryStatus(update), [])
    assert.deepEqual(entryStatus(reply), [])
  })
})

describe('renderEntry', () => {
  let browser = null
  afterEach(() => browser.restore())

  function render(entry) {
    browser = installBrowser(loadPage('case'))
    return renderEntry(entry)
  }

  it("shows the person's own message: heading, time, text as text, and what has happened to it", () => {
    const hostile = { ...WROTE, text: '<img src=x onerror=alert(1)> <b>bold?</b>' }
    const li = render(conversation([], [hostile])[0])
    assert.equal(li.localName, 'li')
    assert.ok(li.classList.contains('tmc-update') && li.classList.contains('tmc-update--yours'))
    assert.ok(li.classList.contains('tmc-update--message'))
    assert.equal(li.querySelector('h3').textContent, 'Message from you')
    assert.equal(li.querySelector('.tmc-update__meta').textContent, '28 November 2026 at 6:40pm')
    assert.equal(li.querySelector('time').getAttribute('datetime'), WROTE.sentAt)
    assert.equal(li.querySelector('.tmc-update__text').textContent, hostile.text)
    assert.equal(li.querySelectorAll('img, b').length, 0)
    assert.deepEqual(li.querySelectorAll('.tmc-update__status li').map((s) => s.textContent),
      ['Not read yet', 'Expect a reply by Friday 4 December 2026'])
  })

  it('shows a request for an update with no empty text', () => {
    const li = render(conversation([], [ASKED])[0])
    assert.ok(li.classList.contains('tmc-update--update-request'))
    assert.equal(li.querySelector('h3').textContent, 'You asked for an update')
    assert.equal(li.querySelector('.tmc-update__text'), null)
    assert.equal(li.querySelectorAll('.tmc-update__status li').length, 2)
  })

  it("shows the officer's update as before, and their reply, with no status and not as the person's own", () => {
    const update = render(conversation([UPDATE_2], [])[0])
    assert.equal(update.querySelector('.tmc-update__meta').textContent, '27 November 2026 at 3:00pm, by PC Reid')
    assert.equal(update.querySelector('time').textContent, '27 November 2026 at 3:00pm')
    assert.equal(update.classList.contains('tmc-update--yours'), false)
    assert.equal(update.querySelector('.tmc-update__status'), null)
    browser.restore()
    const reply = render(conversation([], [REPLY])[0])
    assert.equal(reply.querySelector('h3').textContent, 'Message from PC 2417 Jordan Reid')
    assert.equal(reply.querySelector('.tmc-update__meta').textContent, '26 November 2026 at 8:00am')
    assert.equal(reply.querySelector('.tmc-update__text').textContent, 'We are waiting for CCTV.')
    assert.equal(reply.classList.contains('tmc-update--yours'), false)
    assert.equal(reply.querySelector('.tmc-update__status'), null)
  })
})

describe('checkedMessage', () => {
  it('counts the updates, and the messages when there are any', () => {
    assert.equal(checkedMessage('9:05pm', 1), 'Checked at 9:05pm. 1 update.')
    assert.equal(checkedMessage('9:05pm', 2, 0), 'Checked at 9:05pm. 2 updates.')
    assert.equal(checkedMessage('9:05pm', 0, 1), 'Checked at 9:05pm. 0 updates and 1 message.')
    assert.equal(checkedMessage('9:05pm', 3, 4), 'Checked at 9:05pm. 3 updates and 4 messages.')
  })

  it('formats times as the case page always has', () => {
    assert.equal(formatPosted('2026-11-27T21:05:00Z'), '27 November 2026 at 9:05pm')
  })
})
