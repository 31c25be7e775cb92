import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { CaseView, checkedMessage, formatPosted, newestFirst, readable } from './case-view.mjs'

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

  it('says when there are no updates yet, and who else is in charge', async () => {
    const { document, root } = open([{ status: 200, body: { ...CASE, updates: [], officer: { role: 'Case manager', name: 'Sam Lee' } } }])
    view = new CaseView(root)
    await view.ready
    assert.equal(document.querySelector('[data-tmc-no-updates]').hidden, false)
    assert.equal(document.querySelector('[data-tmc-field="officer"]').textContent, 'Sam LeeCase manager')
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

  it('throws, naming itself and the part, when a part is missing', () => {
    for (const selector of ['[data-tmc-updates]', '[data-tmc-idle-warning]', '[data-tmc-countdown]']) {
      const { root } = open([])
      root.querySelector(selector).remove()
      assert.throws(() => new CaseView(root), (error) =>
        error.name === 'MissingElementError' && error.message.includes(selector) &&
        /^tmc-(case|idle-warning): /.test(error.message), selector)
      assert.deepEqual(browser.calls, [], 'nothing is read for a page that failed')
      browser.restore()
    }
    browser = installBrowser(loadPage('case'))
  })
})
