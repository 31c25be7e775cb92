import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  UPDATE_TYPES, caseHash, casePath, channelsLabel, contactName, contactStatus, fieldMessage, languageLabel, mayWrite, reasonLabel,
  routeOf, replyHint, safeContactLabel, updateTypeLabel, withFieldMessages
} from './labels.mjs'
import { pick } from '../../../lib/catalogue.mjs'
import { useCatalogue } from '../i18n.mjs'

describe('routeOf', () => {
  it('opens my cases by default, and for anything it does not know', () => {
    assert.deepEqual(routeOf(''), { view: 'inbox', team: false })
    assert.deepEqual(routeOf('#inbox'), { view: 'inbox', team: false })
    assert.deepEqual(routeOf('#nonsense'), { view: 'inbox', team: false })
  })

  it("opens the team's inbox", () => {
    assert.deepEqual(routeOf('#inbox/team'), { view: 'inbox', team: true })
  })

  it('opens a case by its crime number, decoded', () => {
    assert.deepEqual(routeOf('#case/LC%2F2026%201'), { view: 'case', crimeNumber: 'LC/2026 1' })
  })

  it('treats a case address with no number, or one that cannot be decoded, as the inbox', () => {
    assert.deepEqual(routeOf('#case/'), { view: 'inbox', team: false })
    assert.deepEqual(routeOf('#case/%E0%A4%A'), { view: 'inbox', team: false })
  })

  it('opens the form to record a case', () => {
    assert.deepEqual(routeOf('#new-case'), { view: 'new-case' })
  })
})

describe('addresses of a case', () => {
  it('encodes the crime number in the fragment and the API path', () => {
    assert.equal(caseHash(' LC/1 '), '#case/LC%2F1')
    assert.equal(casePath('LC/1?x'), '/officer/cases/LC%2F1%3Fx')
    assert.deepEqual(routeOf(caseHash('LC-2026-1')), { view: 'case', crimeNumber: 'LC-2026-1' })
  })
})

describe('mayWrite', () => {
  it('lets officers, supervisors and integrations change cases', () => {
    assert.equal(mayWrite(['officer']), true)
    assert.equal(mayWrite('supervisor'), true)
    assert.equal(mayWrite(['auditor', 'integration']), true)
  })

  it('keeps auditors, unknown roles and missing claims to reading', () => {
    assert.equal(mayWrite(['auditor']), false)
    assert.equal(mayWrite(['admin']), false)
    assert.equal(mayWrite(undefined), false)
    assert.equal(mayWrite({ officer: true }), false)
  })
})

describe('words', () => {
  it('names every inbox reason, and something sensible for a new one', () => {
    assert.equal(reasonLabel('message'), 'Message waiting for a reply')
    assert.equal(reasonLabel('update_request'), 'Asked for an update')
    assert.equal(reasonLabel('update_due'), 'Update due')
    assert.equal(reasonLabel('unread'), 'Update not read for 7 days')
    assert.equal(reasonLabel('something_new'), 'Needs attention')
  })

  it('gives each contact status words and a tag colour', () => {
    assert.deepEqual(contactStatus('alerts_failing'), { text: 'Emails to them are failing', colour: 'govuk-tag--red' })
    assert.equal(contactStatus('other').text, 'Unknown')
  })

  it('lists the 18 Victims\' Code update types, each once', () => {
    assert.equal(UPDATE_TYPES.length, 18)
    assert.equal(new Set(UPDATE_TYPES.map(([code]) => code)).size, 18)
  })

  it('names a contact with their role', () => {
    assert.equal(contactName({ forename: 'Sam', surname: 'Taylor', role: 'victim' }), 'Sam Taylor (victim)')
    assert.equal(contactName({}), 'Unnamed person')
  })
})

describe('fieldMessage', () => {
  it("says which value is missing where the API's message does not", () => {
    assert.equal(fieldMessage('type', 'Enter a value'), 'Choose what has happened')
    assert.equal(fieldMessage('contacts[0].dateOfBirth', 'Enter a value'), 'Enter their date of birth')
    assert.equal(fieldMessage('contacts[0].forename', 'Enter the forename'), 'Enter their first name')
    assert.equal(fieldMessage('officer.email', 'Enter the email'), "Enter the officer in charge's email address")
  })

  it('names the person when the case has more than one', () => {
    assert.equal(fieldMessage('contacts[1].forename', 'Enter a value', { people: 2 }), 'Enter the first name of person 2')
    assert.equal(fieldMessage('contacts[0].role', 'Enter a value', { people: 3 }), 'Choose whether person 1 is a victim or a witness')
    assert.equal(fieldMessage('contacts[2].email', 'Enter an email address like name@example.com', { people: 3 }),
      'Person 3: Enter an email address like name@example.com')
    assert.equal(fieldMessage('contacts[0].email', 'Enter an email address like name@example.com'),
      'Enter an email address like name@example.com')
    assert.deepEqual(withFieldMessages({ fields: { 'contacts[1].surname': 'Enter a value' } }, { people: 2 }),
      { fields: { 'contacts[1].surname': 'Enter the last name of person 2' } })
  })

  it("keeps the API's own message otherwise", () => {
    assert.equal(fieldMessage('text', 'Must be 2,000 characters or fewer'), 'Must be 2,000 characters or fewer')
    assert.equal(fieldMessage('unknown', 'Enter a value'), 'Enter a value')
  })

  it('rewrites a whole answer, leaving one without fields alone', () => {
    assert.deepEqual(withFieldMessages({ code: 'invalid', fields: { text: 'Enter a value' } }),
      { code: 'invalid', fields: { text: 'Enter the text to send' } })
    assert.equal(withFieldMessages(null), null)
  })
})

describe('texts and the contact agreement on the officer\'s case page (issue 14)', () => {
  it('names the statuses of a contact whose texts fail or who wants other contact', () => {
    assert.deepEqual(contactStatus('texts_failing'), { text: 'Texts to them are failing', colour: 'govuk-tag--red' })
    assert.deepEqual(contactStatus('wants_other_contact'), { text: 'Wants other contact', colour: 'govuk-tag--orange' })
  })

  it('says how alerts reach a contact now, and none for one who stopped', () => {
    assert.equal(channelsLabel({ channels: ['email', 'text'] }), 'Email and text message')
    assert.equal(channelsLabel({ channels: ['text'] }), 'Text message')
    assert.equal(channelsLabel({ channels: ['email'] }), 'Email')
    assert.equal(channelsLabel({ channels: [] }), 'None: no email address or mobile number that works')
    assert.equal(channelsLabel({ channels: ['email', 'text'], textsFailing: true }), 'Email and text message (texts failing)')
    assert.equal(channelsLabel({ channels: ['email'], stoppedAt: '2026-11-29T10:00:00Z' }),
      'None: they stopped using Track My Crime')
  })

  it('says whether discreet messages are on', () => {
    assert.equal(safeContactLabel(true), 'On: messages do not say they are from the police')
    assert.equal(safeContactLabel(false), 'Off')
  })

  it('asks for an email address or a mobile number when a person has neither, naming the person', () => {
    const message = 'Enter the email address or mobile number'
    assert.equal(fieldMessage('contacts[0].email', message), 'Enter their email address or mobile number')
    assert.equal(fieldMessage('contacts[1].email', message, { people: 2 }),
      'Enter the email address or mobile number of person 2')
    assert.equal(fieldMessage('contacts[1].mobile', 'Enter a mobile number in the correct format, like 07700 900 982', { people: 2 }),
      'Person 2: Enter a mobile number in the correct format, like 07700 900 982')
  })
})

describe('replyHint', () => {
  it('says how the person is told of a reply, by their channels, and that someone who stopped is not', () => {
    assert.equal(replyHint({ channels: ['text'] }), 'They get a text saying there is a new message. It does not include what you write.')
    assert.match(replyHint({ channels: ['email', 'text'] }), /^They get an email and a text /)
    assert.match(replyHint({ channels: ['email'] }), /^They get an email /)
    assert.match(replyHint({ channels: [], stoppedAt: '2026-11-29T10:00:00Z' }), /get no alert/)
  })
})

describe('a contact\'s language and the update types, in words', () => {
  it('names the language of their emails and texts, English when the API gives none', () => {
    assert.equal(languageLabel('cy'), 'Welsh')
    assert.equal(languageLabel('en'), 'English')
    assert.equal(languageLabel(undefined), 'English')
  })

  it('names each update type as the list does in English', () => {
    for (const [code, label] of UPDATE_TYPES) assert.equal(updateTypeLabel(code), label)
    assert.equal(updateTypeLabel('something_new'), 'something_new')
  })
})

describe('the labels in Welsh', () => {
  it('uses the Welsh catalogue, and knows the API\'s Welsh "missing" message', () => {
    useCatalogue('cy', pick('cy', 'js'))
    try {
      assert.equal(languageLabel('cy'), 'Cymraeg')
      assert.equal(languageLabel('en'), 'Saesneg')
      assert.equal(updateTypeLabel('charged'), 'Rhywun a amheuir wedi’i gyhuddo')
      assert.equal(contactName({ forename: 'Siân', surname: 'Jones', role: 'witness' }), 'Siân Jones (tyst)')
      assert.equal(reasonLabel('update_due'), 'Diweddariad yn ddyledus')
      assert.equal(channelsLabel({ channels: ['email', 'text'], alertsFailing: true, textsFailing: true }),
        'E-bost a neges destun (negeseuon e-bost a thestun yn methu)')
      assert.equal(fieldMessage('contacts[1].surname', 'Rhaid rhoi’r cyfenw', { people: 2 }), 'Rhowch gyfenw person 2')
      assert.equal(fieldMessage('contacts[0].email', 'Rhowch y cyfeiriad e-bost neu’r rhif ffôn symudol'),
        'Rhowch eu cyfeiriad e-bost neu eu rhif ffôn symudol')
      assert.equal(fieldMessage('crimeNumber', 'Rhaid rhoi’r cyfeirnod trosedd'), 'Rhowch y cyfeirnod trosedd')
      assert.equal(fieldMessage('contacts[1].email', 'Dydy’r cyfeiriad e-bost ddim yn gywir', { people: 2 }),
        'Person 2: Dydy’r cyfeiriad e-bost ddim yn gywir')
    } finally {
      useCatalogue('en', pick('en', 'js'))
    }
  })
})
