import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { askedBanner, CaseView, checkedMessage, formatPosted, mergePages, newestFirst, olderMessage, readable, sentBanner } from './case-view.mjs'

describe('formatPosted', () => {
  it('gives the date and time in UK time, summer or winter, whatever the device', () => {
    assert.equal(formatPosted('2026-11-27T21:05:00Z'), '27 November 2026 at 9:05pm')
    assert.equal(formatPosted('2026-07-01T11:30:00Z'), '1 July 2026 at 12:30pm')
    assert.equal(formatPosted('2026-03-29T00:59:00Z'), '29 March 2026 at 12:59am')
    assert.equal(formatPosted('2026-03-29T01:00:00Z'), '29 March 2026 at 2:00am')
  })

  it('leaves what is not a date as it came', () => {
    assert.equal(formatPosted('yesterday'), 'yesterday')
  })
})

describe('readable, newestFirst, checkedMessage', () => {
  it('reads a code as words', () => {
    assert.equal(readable('crime_recorded'), 'Crime recorded')
    assert.equal(readable('suspect-charged'), 'Suspect charged')
    assert.equal(readable(undefined), '')
  })

  it('puts the newest update first, whatever order they came in, and leaves the list given alone', () => {
    const updates = [
      { id: 'b', postedAt: '2026-02-01T10:00:00Z' },
      { id: 'c', postedAt: '2026-03-01T10:00:00Z' },
      { id: 'a', postedAt: '2026-01-01T10:00:00Z' }
    ]
    assert.deepEqual(newestFirst(updates).map((u) => u.id), ['c', 'b', 'a'])
    assert.deepEqual(updates.map((u) => u.id), ['b', 'c', 'a'])
    assert.deepEqual(newestFirst(undefined), [])
  })

  it('counts the updates in words', () => {
    assert.equal(checkedMessage('9:05pm', 1), 'Checked at 9:05pm. 1 update.')
    assert.equal(checkedMessage('9:05pm', 0), 'Checked at 9:05pm. 0 updates.')
    assert.equal(checkedMessage('9:05pm', 2), 'Checked at 9:05pm. 2 updates.')
  })
})

const CASE = {
  crimeNumber: 'LC-2026-100200',
  status: 'under_investigation',
  statusLabel: 'Being investigated',
  officer: { name: 'PC 2417 Jordan Reid', role: 'Officer in charge' },
  updates: [
    { postedAt: '2026-01-05T10:00:00Z', type: 'crime_recorded', text: 'We have recorded your report.' },
    { postedAt: '2026-01-07T15:30:00Z', type: 'witness_statement', typeLabel: 'Statement taken',
      text: '<b>not bold</b>', officerName: 'PC Reid' }
  ]
}

const OPEN_REQUEST = { id: 'r1', requestedAt: '2026-01-09T10:00:00Z', replyDueBy: '2026-01-14' }

const TWO_WAY = {
  ...CASE,
  nextUpdateDueBy: '2026-01-19',
  openUpdateRequest: null,
  messagesLeftToday: 2,
  messages: [
    { id: 'm3', from: 'victim', kind: 'message', text: 'Thank you.', sentAt: '2026-01-09T12:00:00Z', readAt: null, answeredAt: null, replyDueBy: '2026-01-12' },
    { id: 'm2', from: 'officer', kind: 'message', text: 'We are checking CCTV.', sentAt: '2026-01-08T16:00:00Z', officerName: 'PC 2417 Jordan Reid', readAt: '2026-01-09T11:00:00Z' },
    { id: 'm1', from: 'victim', kind: 'update_request', text: '', sentAt: '2026-01-08T09:00:00Z', readAt: '2026-01-08T10:00:00Z', answeredAt: '2026-01-08T16:00:00Z', replyDueBy: null }
  ]
}

describe('the banners', () => {
  it('after asking, say what happens next; when one was already open, when they asked', () => {
    assert.deepEqual(askedBanner(OPEN_REQUEST, false), { heading: 'You have asked for an update', lines: [
      'The officer in charge will reply by Wednesday 14 January 2026.', 'We will let you know when they reply.'] })
    assert.deepEqual(askedBanner(OPEN_REQUEST, true), { heading: 'You have already asked for an update', lines: [
      'You asked for an update on 9 January 2026 at 10:00am.',
      'The officer in charge will reply by Wednesday 14 January 2026.', 'We will let you know when they reply.'] })
  })

  it('after sending, say when to expect a reply', () => {
    assert.deepEqual(sentBanner({ id: 'm1', sentAt: '2026-01-10T09:00:00Z', replyDueBy: '2026-01-15' }), {
      heading: 'Your message has been sent to the officer in charge',
      lines: ['They will reply by Thursday 15 January 2026.', 'We will let you know when they reply.'] })
    assert.equal(sentBanner({}).lines[0], 'They will reply as soon as they can.')
  })
})

describe('CaseView', () => {
  let browser = null
  let view = null
  afterEach(() => {
    if (view) clearInterval(view.idle.timer)
    view = null
    browser.restore()
  })

  function open(answers) {
    const document = loadPage('case')
    browser = installBrowser(document, { answer: () => answers.shift() })
    return { document, root: document.querySelector('[data-module="tmc-case"]') }
  }

  it('reads the case and shows it, updates newest first, text as text', async () => {
    const { document, root } = open([{ status: 200, body: CASE }])
    view = new CaseView(root)
    await view.ready
    assert.deepEqual(browser.calls.map((c) => [c.url, c.method]), [['/api/victim/case', 'GET']])
    const field = (name) => document.querySelector(`[data-tmc-field="${name}"]`).textContent
    assert.equal(field('crimeNumber'), 'LC-2026-100200')
    assert.equal(field('status'), 'Being investigated')
    assert.equal(field('officer'), 'PC 2417 Jordan Reid')
    const items = document.querySelectorAll('[data-tmc-updates] li')
    assert.deepEqual(items.map((li) => li.querySelector('h3').textContent), ['Statement taken', 'Crime recorded'])
    assert.equal(items[0].querySelector('.tmc-update__meta').textContent, '7 January 2026 at 3:30pm, by PC Reid')
    assert.equal(items[0].querySelector('time').getAttribute('datetime'), '2026-01-07T15:30:00Z')
    assert.equal(items[0].querySelector('.tmc-update__text').textContent, '<b>not bold</b>')
    assert.equal(items[0].querySelectorAll('b').length, 0)
    assert.equal(document.querySelector('[data-tmc-case]').hidden, false)
    assert.equal(document.querySelector('[data-tmc-loading]').hidden, true)
    assert.equal(document.querySelector('[data-tmc-no-updates]').hidden, true)
  })

  it('shows older updates when asked: one page more below, focus on the first, announced; gone at the oldest', async () => {
    const older = { ...CASE, updates: [{ id: 'u-old', postedAt: '2025-12-01T10:00:00Z', type: 'other', typeLabel: 'Older update', text: 'From December' }], messages: [], olderCursor: null }
    const { document, root } = open([{ status: 200, body: { ...CASE, olderCursor: 'c1' } }, { status: 200, body: older }])
    view = new CaseView(root)
    await view.ready
    const button = document.querySelector('[data-tmc-older]')
    assert.equal(button.hidden, false)
    assert.equal(button.tagName, 'BUTTON')
    button.click()
    await settle()
    assert.deepEqual(browser.calls.map((c) => c.url), ['/api/victim/case', '/api/victim/case?before=c1'])
    const items = document.querySelectorAll('[data-tmc-updates] li.tmc-update')
    assert.deepEqual(items.map((li) => li.querySelector('h3').textContent), ['Statement taken', 'Crime recorded', 'Older update'])
    assert.equal(document.activeElement, items[2])
    assert.equal(document.querySelector('[data-tmc-older-status]').textContent, '1 older item shown below. These are the oldest.')
    assert.equal(button.hidden, true)
  })

  it('merges pages by id, the newer copy first', () => {
    const merged = mergePages([{ updates: [{ id: 'a', text: 'new' }], messages: [] },
      { updates: [{ id: 'a', text: 'old' }, { id: 'b' }], messages: [{ id: 'm' }] }])
    assert.deepEqual(merged, { updates: [{ id: 'a', text: 'new' }, { id: 'b' }], messages: [{ id: 'm' }] })
    assert.equal(olderMessage(0, false), 'There are no older messages or updates.')
    assert.equal(olderMessage(20, true), '20 older items shown below.')
  })

  it('says when there are no updates yet, and who else is in charge', async () => {
    const { document, root } = open([{ status: 200, body: { ...CASE, updates: [], officer: { role: 'Case manager', name: 'Sam Lee' } } }])
    view = new CaseView(root)
    await view.ready
    assert.equal(document.querySelector('[data-tmc-no-updates]').hidden, false)
    assert.equal(document.querySelector('[data-tmc-field="officer"]').textContent, 'Sam LeeCase manager')
  })

  it('a closed case says why and what next, and offers no "Check for anything new"', async () => {
    const closing = { id: 'u9', postedAt: '2026-01-09T10:00:00Z', type: 'case_closed', typeLabel: 'Case closed', text: 'No suspect could be found.', officerName: 'PC Reid' }
    const { document, root } = open([{ status: 200, body: { ...CASE, status: 'closed', statusLabel: 'Closed', updates: [closing, ...CASE.updates] } }])
    view = new CaseView(root)
    await view.ready
    const closed = document.querySelector('[data-tmc-situation="closed"]')
    assert.equal(closed.hidden, false)
    assert.equal(closed.querySelector('[data-tmc-reason-text]').textContent, 'No suspect could be found.')
    assert.equal(document.querySelector('[data-tmc-situation="investigating"]').hidden, true)
    assert.equal(document.querySelector('[data-tmc-refresh]').hidden, true)
  })

  it('a case being investigated says what happens next and can be checked for news', async () => {
    const { document, root } = open([{ status: 200, body: { ...CASE, status: 'investigating' } }])
    view = new CaseView(root)
    await view.ready
    assert.equal(document.querySelector('[data-tmc-situation="investigating"]').hidden, false)
    assert.equal(document.querySelector('[data-tmc-refresh]').hidden, false)
  })

  it('sends someone not signed in to sign in', async () => {
    const { root } = open([{ status: 401 }])
    view = new CaseView(root)
    await view.ready
    assert.deepEqual(browser.navigations, [['replace', '/sign-in.html']])
  })

  it('says there is a problem with the service when the case cannot be read', async () => {
    const { document, root } = open([{ status: 500 }])
    view = new CaseView(root)
    await view.ready
    assert.match(document.querySelector('[data-tmc-errors] li').textContent, /problem with the service/)
    assert.equal(document.querySelector('[data-tmc-loading]').hidden, true)
    assert.equal(document.querySelector('[data-tmc-case]').hidden, true)
  })

  it('checks for new updates when asked, and says how many there are', async () => {
    const { document, root } = open([
      { status: 200, body: CASE },
      { status: 200, body: { ...CASE, updates: [...CASE.updates, { postedAt: '2026-01-09T09:00:00Z', type: 'other', text: 'New' }] } }
    ])
    view = new CaseView(root)
    await view.ready
    document.querySelector('[data-tmc-refresh]').click()
    assert.equal(document.querySelector('[data-tmc-refresh-status]').textContent, 'Checking…')
    await settle()
    assert.match(document.querySelector('[data-tmc-refresh-status]').textContent, /^Checked at \d{1,2}:\d\d[ap]m\. 3 updates\.$/)
    assert.equal(document.querySelectorAll('[data-tmc-updates] li').length, 3)
  })

  it('once the session has ended, sends the person to the timed-out page', async () => {
    const { document, root } = open([{ status: 200, body: CASE }, { status: 401 }])
    view = new CaseView(root)
    await view.ready
    document.querySelector('[data-tmc-refresh]').click()
    await settle()
    assert.deepEqual(browser.navigations, [['replace', '/timed-out.html']])
    assert.equal(document.querySelector('[data-tmc-refresh-status]').textContent, '')
  })

  it('interleaves messages with the updates, newest first, and says when to expect the next update', async () => {
    const { document, root } = open([{ status: 200, body: TWO_WAY }])
    view = new CaseView(root)
    await view.ready
    const items = document.querySelectorAll('[data-tmc-updates] li.tmc-update')
    assert.deepEqual(items.map((li) => li.querySelector('h3').textContent),
      ['Message from you', 'Message from PC 2417 Jordan Reid', 'You asked for an update', 'Statement taken', 'Crime recorded'])
    assert.deepEqual(items[0].querySelectorAll('.tmc-update__status li').map((li) => li.textContent),
      ['Not read yet', 'Expect a reply by Monday 12 January 2026'])
    const row = document.querySelector('[data-tmc-next-update]')
    assert.equal(row.hidden, false)
    assert.equal(row.querySelector('dt').textContent, 'When to expect the next update')
    assert.equal(document.querySelector('[data-tmc-field="nextUpdateDueBy"]').textContent, 'By Monday 19 January 2026')
    assert.equal(document.querySelector('[data-tmc-ask-offer]').hidden, false)
    assert.equal(document.querySelector('[data-tmc-messages-left]').textContent, 'You can send 2 more messages today.')
  })

  it('hides the next update row when no date is set, and while a request is open says what happens next', async () => {
    const { document, root } = open([{ status: 200, body: { ...CASE, openUpdateRequest: OPEN_REQUEST, messagesLeftToday: 0 } }])
    view = new CaseView(root)
    await view.ready
    assert.equal(document.querySelector('[data-tmc-next-update]').hidden, true)
    assert.equal(document.querySelector('[data-tmc-ask-offer]').hidden, true)
    assert.match(document.querySelector('[data-tmc-asked]').textContent,
      /^You asked for an update on 9 January 2026 at 10:00am\. The officer in charge will reply by Wednesday 14 January 2026\./)
    assert.equal(document.querySelector('[data-tmc-compose]').hidden, true)
    assert.equal(document.querySelector('[data-tmc-no-more-today]').hidden, false)
  })

  it('asking for an update says what happens next in a focused banner, then reads the case again', async () => {
    const { document, root } = open([
      { status: 200, body: TWO_WAY },
      { status: 201, body: OPEN_REQUEST },
      { status: 200, body: { ...TWO_WAY, openUpdateRequest: OPEN_REQUEST } },
      { status: 200, body: { ...TWO_WAY, openUpdateRequest: OPEN_REQUEST } }
    ])
    view = new CaseView(root)
    await view.ready
    document.querySelector('[data-tmc-ask]').click()
    await settle()
    assert.deepEqual(browser.calls.map((c) => [c.url, c.method]),
      [['/api/victim/case', 'GET'], ['/api/victim/update-request', 'POST'], ['/api/victim/case', 'GET']])
    const banner = document.querySelector('[data-tmc-banner] .govuk-notification-banner--success')
    assert.equal(document.activeElement, banner)
    assert.equal(banner.querySelector('.govuk-notification-banner__heading').textContent, 'You have asked for an update')
    assert.deepEqual(banner.querySelectorAll('p').map((p) => p.textContent),
      ['The officer in charge will reply by Wednesday 14 January 2026.', 'We will let you know when they reply.'])
    assert.equal(document.querySelector('[data-tmc-ask-offer]').hidden, true)
    assert.equal(document.querySelector('[data-tmc-asked]').hidden, false)

    // Checking for anything new later replaces the banner with the check's result.
    document.querySelector('[data-tmc-refresh]').click()
    assert.equal(document.querySelector('[data-tmc-banner]').children.length, 0)
    await settle()
  })

  it('sending a message says so in a focused banner, then reads the case again to show it', async () => {
    const sent = { id: 'm9', sentAt: '2026-01-10T09:00:00Z', replyDueBy: '2026-01-15' }
    const mine = { id: 'm9', from: 'victim', kind: 'message', text: 'Any news?', sentAt: sent.sentAt, readAt: null, answeredAt: null, replyDueBy: '2026-01-15' }
    const { document, root } = open([
      { status: 200, body: TWO_WAY },
      { status: 201, body: sent },
      { status: 200, body: { ...TWO_WAY, messages: [mine, ...TWO_WAY.messages] } }
    ])
    view = new CaseView(root)
    await view.ready
    document.querySelector('#message').value = 'Any news?'
    document.querySelector('[data-tmc-message-form] form').requestSubmit()
    await settle()
    assert.deepEqual(browser.calls.map((c) => [c.url, c.method]),
      [['/api/victim/case', 'GET'], ['/api/victim/messages', 'POST'], ['/api/victim/case', 'GET']])
    const banner = document.querySelector('[data-tmc-banner] .govuk-notification-banner')
    assert.equal(document.activeElement, banner)
    assert.equal(banner.querySelector('.govuk-notification-banner__heading').textContent, 'Your message has been sent to the officer in charge')
    const first = document.querySelector('[data-tmc-updates] li')
    assert.equal(first.querySelector('.tmc-update__text').textContent, 'Any news?')
    assert.equal(document.querySelector('#message').value, '')
  })

  it("keeps the message form's errors when the case is read again, and drops the banner when an error shows", async () => {
    const { document, root } = open([
      { status: 200, body: TWO_WAY },
      { status: 201, body: OPEN_REQUEST },
      { status: 200, body: TWO_WAY },
      { status: 400, body: { fields: { text: 'Enter a message' } } },
      { status: 200, body: TWO_WAY }
    ])
    view = new CaseView(root)
    await view.ready
    document.querySelector('[data-tmc-ask]').click()
    await settle()
    assert.equal(document.querySelectorAll('[data-tmc-banner] .govuk-notification-banner').length, 1)
    document.querySelector('[data-tmc-message-form] form').requestSubmit()
    await settle()
    assert.equal(document.querySelector('[data-tmc-banner]').children.length, 0)
    document.querySelector('[data-tmc-refresh]').click()
    await settle()
    assert.equal(document.querySelector('[data-tmc-errors] a').textContent, 'Enter a message')
    assert.ok(document.querySelector('#text-error'))
    assert.match(document.querySelector('[data-tmc-refresh-status]').textContent, /^Checked at .*\. 2 updates and 3 messages\.$/)
  })

  it('when asking fails, says there is a problem with the service; when the session has ended, goes to the timed-out page', async () => {
    const failing = open([{ status: 200, body: TWO_WAY }, { status: 503 }])
    view = new CaseView(failing.root)
    await view.ready
    failing.document.querySelector('[data-tmc-ask]').click()
    await settle()
    assert.match(failing.document.querySelector('[data-tmc-errors] li').textContent, /problem with the service/)
    assert.match(failing.document.title, /^Error: Your case – /)
    clearInterval(view.idle.timer)
    browser.restore()

    const ended = open([{ status: 200, body: TWO_WAY }, { status: 401 }])
    view = new CaseView(ended.root)
    await view.ready
    ended.document.querySelector('[data-tmc-message-form] form').requestSubmit()
    await settle()
    assert.deepEqual(browser.navigations, [['replace', '/timed-out.html']])
  })

  it('throws, naming itself and the part, when a part is missing', () => {
    for (const selector of ['[data-tmc-updates]', '[data-tmc-idle-warning]', '[data-tmc-countdown]', '[data-tmc-banner]',
      '[data-tmc-next-update]', '[data-tmc-update-request]', '[data-tmc-ask]', '[data-tmc-message-form]']) {
      const { root } = open([])
      root.querySelector(selector).remove()
      assert.throws(() => new CaseView(root), (error) =>
        error.name === 'MissingElementError' && error.message.includes(selector) &&
        /^tmc-(case|idle-warning|update-request|message-form): /.test(error.message), selector)
      assert.deepEqual(browser.calls, [], 'nothing is read for a page that failed')
      browser.restore()
    }
    browser = installBrowser(loadPage('case'))
  })
})
