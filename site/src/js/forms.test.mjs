import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { installBrowser, loadPage } from '../../test-support/dom.mjs'
import { errorSummaries, notificationBanners } from '../../test-support/govuk-frontend.mjs'
import {
  clearErrors, composeTitle, dateBoxes, dateValue, fieldErrors, orderErrors, pageNameOf, readFields, serviceProblem,
  serviceProblemMessage, showErrors, showState, showSuccess, titleSuffix
} from './forms.mjs'

const SERVED = 'Sign in – Track My Crime – Demo Constabulary'

describe('dateValue', () => {
  it('gives YYYY-MM-DD, padding a single-digit day and month', () => {
    assert.equal(dateValue('9', '7', '1984'), '1984-07-09')
    assert.equal(dateValue('31', '12', '1980'), '1980-12-31')
    assert.equal(dateValue(' 1 ', ' 2 ', ' 2001 '), '2001-02-01')
  })

  it('is empty when nothing was typed', () => {
    assert.equal(dateValue('', '', ''), '')
    assert.equal(dateValue(' ', undefined, null), '')
  })

  it('passes on anything else as typed, for the API to say what is wrong', () => {
    assert.equal(dateValue('', '3', '1980'), '1980-03-')
    assert.equal(dateValue('x', 'March', '80'), '80-March-x')
  })
})

describe('the page title', () => {
  it('keeps the service and force after the page name, with "Error: " before it when asked', () => {
    assert.equal(titleSuffix(SERVED), ' – Track My Crime – Demo Constabulary')
    assert.equal(composeTitle(SERVED, 'Check your email'), 'Check your email – Track My Crime – Demo Constabulary')
    assert.equal(composeTitle(SERVED, 'Sign in', { error: true }), 'Error: Sign in – Track My Crime – Demo Constabulary')
    assert.equal(composeTitle('Plain', 'Other'), 'Other')
  })

  it('gives back the page name', () => {
    assert.equal(pageNameOf('Error: Sign in – Track My Crime – Demo Constabulary', SERVED), 'Sign in')
    assert.equal(pageNameOf('Check your email – Track My Crime – Demo Constabulary', SERVED), 'Check your email')
  })
})

describe('orderErrors', () => {
  const order = ['surname', 'crimeNumber', 'dateOfBirth', 'password']

  it('orders the field errors as the form does, unknown fields last', () => {
    const body = { fields: { password: 'Enter a password', other: 'Odd', surname: 'Enter your surname' } }
    assert.deepEqual(orderErrors(body, order), [
      { field: 'surname', message: 'Enter your surname' },
      { field: 'password', message: 'Enter a password' },
      { field: 'other', message: 'Odd' }
    ])
  })

  it('falls back to the message, then to a general one, when no field is named', () => {
    assert.deepEqual(orderErrors({ message: 'Too many attempts' }, order), [{ message: 'Too many attempts' }])
    assert.deepEqual(orderErrors(null, order), [{ message: 'Check your answers and try again' }])
    assert.deepEqual(orderErrors({ fields: 'nonsense' }, order), [{ message: 'Check your answers and try again' }])
  })
})

describe('serviceProblemMessage', () => {
  it("names the force's phone number, or 101", () => {
    assert.match(serviceProblemMessage('0300 123 4567'), /call 0300 123 4567\.$/)
    assert.match(serviceProblemMessage(undefined), /call 101\.$/)
  })
})

describe('on the sign-in page', () => {
  let browser
  let document
  let form
  let container
  beforeEach(() => {
    document = loadPage('sign-in')
    browser = installBrowser(document)
    form = document.querySelector('form')
    container = document.querySelector('[data-tmc-errors]')
  })
  afterEach(() => browser.restore())

  const type = (name, value) => { form.elements.namedItem(name).value = value }

  it('readFields reads every field, the date as one value, in the order of the form', () => {
    type('surname', 'Okafor')
    type('crimeNumber', 'LC-2026-123456')
    type('dateOfBirth-day', '9')
    type('dateOfBirth-month', '7')
    type('dateOfBirth-year', '1984')
    type('password', ' spaces kept ')
    const fields = readFields(form)
    assert.deepEqual(fields, {
      surname: 'Okafor', crimeNumber: 'LC-2026-123456', dateOfBirth: '1984-07-09', password: ' spaces kept '
    })
    assert.deepEqual(Object.keys(fields), ['surname', 'crimeNumber', 'dateOfBirth', 'password'])
  })

  it('showErrors shows a focused summary linking to each field, inline messages, and "Error: " in the title', () => {
    const body = { fields: { dateOfBirth: 'Enter your date of birth', surname: 'Enter your surname' } }
    showErrors(form, container, fieldErrors(form, body))

    const summary = container.querySelector('.govuk-error-summary')
    assert.equal(summary.querySelector('[role="alert"] h2').textContent, 'There is a problem')
    const links = summary.querySelectorAll('.govuk-error-summary__list a')
    assert.deepEqual(links.map((a) => [a.getAttribute('href'), a.textContent]),
      [['#surname', 'Enter your surname'], ['#dateOfBirth-day', 'Enter your date of birth']])
    assert.equal(errorSummaries.at(-1).$root, summary, "GOV.UK Frontend's ErrorSummary takes the summary")
    assert.equal(document.activeElement, summary)
    assert.equal(document.title, `Error: ${SERVED}`)

    const surname = form.querySelector('[data-field="surname"]')
    assert.ok(surname.classList.contains('govuk-form-group--error'))
    assert.equal(surname.querySelector('#surname-error').textContent, 'Error: Enter your surname')
    assert.equal(form.querySelector('#surname').getAttribute('aria-describedby'), 'surname-error')
    assert.ok(form.querySelector('#surname').classList.contains('govuk-input--error'))
    // The date's message goes on its fieldset, after the hint it keeps.
    const fieldset = form.querySelector('[data-field="dateOfBirth"] fieldset')
    assert.equal(fieldset.getAttribute('aria-describedby'), 'dateOfBirth-hint dateOfBirth-error')
    assert.equal(form.querySelector('#dateOfBirth-hint').parentNode.children.indexOf(form.querySelector('#dateOfBirth-error')),
      form.querySelector('#dateOfBirth-hint').parentNode.children.indexOf(form.querySelector('#dateOfBirth-hint')) + 1)
    assert.equal(form.querySelectorAll('.govuk-input--error').length, 4, 'surname and the three date fields')
    // Fields without an error are left alone.
    assert.equal(form.querySelector('[data-field="password"]').classList.contains('govuk-form-group--error'), false)
  })

  it('showErrors replaces the errors shown before; clearErrors leaves the form as it was served', () => {
    showErrors(form, container, [{ field: 'surname', message: 'Enter your surname' }])
    showErrors(form, container, [{ field: 'password', message: 'Enter your password' }])
    assert.equal(container.querySelectorAll('.govuk-error-summary').length, 1)
    assert.equal(form.querySelectorAll('.govuk-error-message').length, 1)
    assert.equal(form.querySelector('#surname').hasAttribute('aria-describedby'), false)

    clearErrors(form, container)
    assert.equal(container.children.length, 0)
    assert.equal(form.querySelectorAll('.govuk-error-message, .govuk-form-group--error, .govuk-input--error').length, 0)
    assert.equal(form.querySelector('#crimeNumber').getAttribute('aria-describedby'), 'crimeNumber-hint')
    assert.equal(document.title, SERVED)
  })

  it('showErrors with inline: false links to the field but marks nothing beside it', () => {
    showErrors(form, container, [{ field: 'surname', message: 'The details do not match' }], { inline: false })
    assert.equal(container.querySelector('a').getAttribute('href'), '#surname')
    assert.equal(form.querySelectorAll('.govuk-error-message, .govuk-form-group--error, .govuk-input--error').length, 0)
    assert.equal(form.querySelector('#surname').hasAttribute('aria-describedby'), false)
    assert.equal(document.title, `Error: ${SERVED}`)
  })

  it('an error for no field, or a field the form lacks, is plain text in the summary', () => {
    showErrors(null, container, serviceProblem())
    assert.equal(container.querySelector('li').textContent,
      'Sorry, there is a problem with the service. Try again later, or call 101.')
    assert.equal(container.querySelectorAll('a').length, 0)
    showErrors(form, container, [{ field: 'nickname', message: 'No such field' }])
    assert.equal(container.querySelector('li').textContent, 'No such field')
    assert.equal(container.querySelectorAll('a').length, 0)
  })

  it('text from the API is shown as text, never parsed', () => {
    showErrors(form, container, [{ field: 'surname', message: '<img src=x onerror=alert(1)>' }])
    assert.equal(container.querySelectorAll('img').length, 0)
    assert.equal(container.querySelector('a').textContent, '<img src=x onerror=alert(1)>')
  })
})

describe('on the case page: a textarea with a character count', () => {
  let browser
  let document
  let form
  let container
  beforeEach(() => {
    document = loadPage('case')
    browser = installBrowser(document)
    form = document.querySelector('[data-tmc-message-form] form')
    container = document.querySelector('[data-tmc-errors]')
  })
  afterEach(() => browser.restore())

  it('marks the textarea as GOV.UK does, the message after the hint, described by count, hint and error', () => {
    showErrors(form, container, [{ field: 'text', message: 'Enter a message' }])
    const textarea = form.querySelector('#message')
    assert.ok(textarea.classList.contains('govuk-textarea--error'))
    assert.equal(textarea.classList.contains('govuk-input--error'), false)
    assert.equal(textarea.getAttribute('aria-describedby'), 'message-info message-hint text-error')
    const group = form.querySelector('[data-field="text"]')
    assert.deepEqual(group.children.map((c) => c.id || c.localName), ['label', 'message-hint', 'text-error', 'message', 'message-info'])
    assert.equal(container.querySelector('a').getAttribute('href'), '#message')
  })

  it("clearErrors removes its own messages only: the character count's own stays", () => {
    // What GOV.UK Frontend's CharacterCount shows while the text is too long.
    const count = document.createElement('div')
    count.setAttribute('class', 'govuk-character-count__status govuk-error-message')
    form.querySelector('#message-info').after(count)
    showErrors(form, container, [{ field: 'text', message: 'Enter a message' }])
    clearErrors(form, container)
    assert.deepEqual(form.querySelectorAll('.govuk-error-message'), [count])
    assert.equal(form.querySelectorAll('.govuk-textarea--error, .govuk-form-group--error').length, 0)
    assert.equal(form.querySelector('#message').getAttribute('aria-describedby'), 'message-info message-hint')
  })
})

describe('showSuccess', () => {
  let browser
  afterEach(() => browser.restore())

  it('shows a focused GOV.UK success banner, in place of what was there, its words as text', () => {
    const document = loadPage('case')
    browser = installBrowser(document)
    const container = document.querySelector('[data-tmc-banner]')
    showSuccess(container, 'First', 'Gone')
    const banner = showSuccess(container, 'Your message has been sent', '<b>Not bold</b>', 'Second line.')
    assert.deepEqual(container.children, [banner])
    assert.ok(banner.classList.contains('govuk-notification-banner--success'))
    assert.equal(banner.getAttribute('role'), 'alert')
    const title = banner.querySelector('.govuk-notification-banner__title')
    assert.equal(banner.getAttribute('aria-labelledby'), title.id)
    assert.equal(title.textContent, 'Success')
    assert.equal(banner.querySelector('.govuk-notification-banner__heading').textContent, 'Your message has been sent')
    assert.deepEqual(banner.querySelectorAll('.govuk-notification-banner__content p').map((p) => p.textContent),
      ['<b>Not bold</b>', 'Second line.'])
    assert.equal(banner.querySelectorAll('b').length, 0)
    assert.equal(notificationBanners.at(-1).$root, banner, "GOV.UK Frontend's NotificationBanner takes the banner")
    assert.equal(document.activeElement, banner)
  })
})

describe('showState', () => {
  let browser
  afterEach(() => browser.restore())

  it('shows the named part only, takes its title, and focuses its heading', () => {
    const document = loadPage('forgotten-password')
    browser = installBrowser(document)
    const sent = showState(document.body, 'sent')
    assert.equal(sent.dataset.tmcState, 'sent')
    assert.deepEqual(document.querySelectorAll('[data-tmc-state]').map((p) => [p.dataset.tmcState, p.hidden]),
      [['form', true], ['sent', false]])
    assert.equal(document.title, 'Check your email or text messages – Track My Crime – Demo Constabulary')
    assert.equal(document.activeElement, sent.querySelector('h1'))

    document.activeElement = null
    showState(document.body, 'form')
    assert.equal(document.activeElement, null, 'the form keeps focus where it is')
    assert.equal(showState(document.body, 'no-such-part'), null)
  })
})

describe('dateBoxes', () => {
  // The table the API's own test reads too (tests/unit/test_validation.py).
  const table = JSON.parse(readFileSync(new URL('../../test-support/date-input-cases.json', import.meta.url)))

  for (const { day, month, year, message, boxes } of table.cases.filter((c) => c.message)) {
    it(`marks ${boxes.join(', ')} for "${message}" (typed ${day}/${month}/${year})`, () => {
      assert.deepEqual(dateBoxes(message), boxes)
    })
  }
})
