import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { documentFrom, installBrowser } from '../../../test-support/dom.mjs'
import { pick } from '../../../lib/catalogue.mjs'
import { useCatalogue } from '../i18n.mjs'
import { namesInWords, numberPerson, peopleStatus, personHeading, renumbered } from './people.mjs'

describe('renumbered', () => {
  it('renumbers ids from 1 and the API\'s field names from 0', () => {
    assert.equal(renumbered('person-1-dob-day', 2), 'person-3-dob-day')
    assert.equal(renumbered('contacts[0].dateOfBirth-day', 2), 'contacts[2].dateOfBirth-day')
    assert.equal(renumbered('person-12-email-hint contacts[11].email-error', 0), 'person-1-email-hint contacts[0].email-error')
    assert.equal(renumbered('crime-number', 4), 'crime-number')
  })
})

describe('numberPerson', () => {
  it('numbers the fieldset\'s fields, labels, hints and groups, leaving the rest', () => {
    const document = documentFrom(`<fieldset data-tmc-person>
      <div class="govuk-form-group" data-field="contacts[0].email">
        <label class="govuk-label" for="person-1-email">Email address</label>
        <div class="govuk-hint" id="person-1-email-hint">We send the invitation here</div>
        <input class="govuk-input" id="person-1-email" name="contacts[0].email" type="email" aria-describedby="person-1-email-hint">
      </div></fieldset>`)
    const browser = installBrowser(document)
    try {
      const person = document.querySelector('[data-tmc-person]')
      numberPerson(person, 3)
      assert.equal(person.querySelector('[data-field]').getAttribute('data-field'), 'contacts[3].email')
      assert.equal(person.querySelector('label').getAttribute('for'), 'person-4-email')
      assert.equal(person.querySelector('.govuk-hint').id, 'person-4-email-hint')
      const input = person.querySelector('input')
      assert.equal(input.id, 'person-4-email')
      assert.equal(input.getAttribute('name'), 'contacts[3].email')
      assert.equal(input.getAttribute('aria-describedby'), 'person-4-email-hint')
      assert.equal(input.getAttribute('type'), 'email')
      assert.equal(person.querySelector('label').textContent, 'Email address')
    } finally {
      browser.restore()
    }
  })
})

describe('words', () => {
  it('numbers people from 1 and says how many there are', () => {
    assert.equal(personHeading(0), 'Person 1')
    assert.equal(peopleStatus('added', 2), 'Person 2 added. There are 2 people on this case.')
    assert.equal(peopleStatus('removed', 1), 'Person removed. There is 1 person on this case.')
  })

  it('lists names in a sentence', () => {
    assert.equal(namesInWords(['Jo Bloggs']), 'Jo Bloggs')
    assert.equal(namesInWords(['A', 'B']), 'A and B')
    assert.equal(namesInWords(['A', 'B', 'C']), 'A, B and C')
    assert.equal(namesInWords([]), '')
  })
})

describe('words in Welsh', () => {
  it('counts people with Welsh mutations and joins names with "a", or "ac" before a vowel', () => {
    useCatalogue('cy', pick('cy', 'js'))
    try {
      assert.equal(personHeading(2), 'Person 3')
      assert.equal(peopleStatus('added', 2), 'Person 2 wedi’i ychwanegu. Mae 2 berson ar yr achos hwn.')
      assert.equal(peopleStatus('removed', 3), 'Person wedi’i dynnu. Mae 3 pherson ar yr achos hwn.')
      assert.equal(peopleStatus('removed', 7), 'Person wedi’i dynnu. Mae 7 o bobl ar yr achos hwn.')
      assert.equal(namesInWords(['Siân Jones', 'Tom Evans']), 'Siân Jones a Tom Evans')
      assert.equal(namesInWords(['Siân Jones', 'Tom Evans', 'Owain Hughes']), 'Siân Jones, Tom Evans ac Owain Hughes')
    } finally {
      useCatalogue('en', pick('en', 'js'))
    }
  })
})
