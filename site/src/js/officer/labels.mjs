// The officer console's words and small rules, with nothing of the DOM or the
// network: what each inbox reason and contact status is called, the Victims'
// Code update types, the console's addresses (#inbox, #case/LC-1...), and
// which roles may change a case.

// Kept in step with chalicelib/core/domain.py UPDATE_TYPES (a Python test compares them).
export const UPDATE_TYPES = [
  ['crime_recorded', 'Crime recorded'],
  ['not_investigated', 'Decision not to investigate'],
  ['suspect_arrested', 'Suspect arrested'],
  ['interviewed_under_caution', 'Suspect interviewed under caution'],
  ['released_without_charge', 'Suspect released without charge'],
  ['bail', 'Suspect bailed, or bail conditions changed'],
  ['released_under_investigation', 'Suspect released under investigation'],
  ['charged', 'Suspect charged'],
  ['out_of_court_resolution', 'Out-of-court resolution'],
  ['not_charged', 'Decision not to charge'],
  ['court_hearing', 'Court hearing date'],
  ['evidence_required', 'You may need to give evidence'],
  ['verdict', 'Verdict'],
  ['sentence', 'Sentence'],
  ['property_returned', 'Property returned'],
  ['case_closed', 'Case closed'],
  ['case_reopened', 'Case reopened'],
  ['progress_update', 'Progress update']
]

const REASONS = {
  message: 'Message waiting for a reply',
  update_request: 'Asked for an update',
  update_due: 'Update due',
  unread: 'Update not read for 7 days'
}

/** What an inbox item is waiting for, in words. */
export function reasonLabel(reason) {
  return REASONS[reason] || 'Needs attention'
}

const STATUSES = {
  invited: { text: 'Invited, not registered yet', colour: 'govuk-tag--blue' },
  registered: { text: 'Registered', colour: 'govuk-tag--green' },
  invitation_expired: { text: 'Invitation expired', colour: 'govuk-tag--yellow' },
  alerts_failing: { text: 'Emails to them are failing', colour: 'govuk-tag--red' },
  texts_failing: { text: 'Texts to them are failing', colour: 'govuk-tag--red' },
  wants_other_contact: { text: 'Wants other contact', colour: 'govuk-tag--orange' }
}

/** A contact's status as a GOV.UK tag's words and colour class. */
export function contactStatus(status) {
  return STATUSES[status] || { text: 'Unknown', colour: 'govuk-tag--grey' }
}

const CHANNEL_WORDS = { email: 'Email', text: 'Text message' }

/**
 * How alerts reach a contact now (the API's `channels`: ["email"], ["text"]
 * or both), in words; a contact who stopped using the service gets none.
 */
export function channelsLabel(contact) {
  if (contact.stoppedAt) return 'None: they stopped using Track My Crime'
  const channels = Array.isArray(contact.channels) ? contact.channels.filter((c) => CHANNEL_WORDS[c]) : []
  if (!channels.length) return 'None: no email address or mobile number that works'
  const words = channels.map((c) => CHANNEL_WORDS[c])
  const said = words.length > 1 ? `${words[0]} and ${words.slice(1).join(' and ').toLowerCase()}` : words[0]
  const failing = [contact.alertsFailing && channels.includes('email') && 'emails',
    contact.textsFailing && channels.includes('text') && 'texts'].filter(Boolean)
  return failing.length ? `${said} (${failing.join(' and ')} failing)` : said
}

/** What a contact is sent when the officer replies to them: by their channels, or nothing once they stopped. */
export function replyHint(contact) {
  if (contact.stoppedAt) return 'They have stopped using Track My Crime, so they get no alert. They will see your reply only if they sign in again.'
  const channels = Array.isArray(contact.channels) ? contact.channels : []
  const by = channels.includes('email') && channels.includes('text') ? 'an email and a text'
    : channels.includes('text') ? 'a text' : 'an email'
  return `They get ${by} saying there is a new message. It does not include what you write.`
}

/** Discreet messages (safe contact), in words. */
export function safeContactLabel(on) {
  return on ? 'On: messages do not say they are from the police' : 'Off'
}

/** Roles that may post updates, reply, invite and record cases (chalicelib/core/domain.py ROLE_PERMISSIONS). */
const WRITERS = ['officer', 'supervisor', 'integration']

/** True if an officer with these roles (a string or a list, from the ID token) may change cases. */
export function mayWrite(roles) {
  const list = Array.isArray(roles) ? roles : typeof roles === 'string' ? [roles] : []
  return list.some((role) => WRITERS.includes(role))
}

/**
 * The console's view for an address's fragment:
 * {view: 'inbox', team: boolean} | {view: 'case', crimeNumber} | {view: 'new-case'}.
 * Anything else is the inbox.
 */
export function routeOf(hash) {
  const value = String(hash || '').replace(/^#/, '')
  if (value === 'new-case') return { view: 'new-case' }
  if (value.startsWith('case/')) {
    let crimeNumber = ''
    try {
      crimeNumber = decodeURIComponent(value.slice('case/'.length)).trim()
    } catch {
      crimeNumber = ''
    }
    if (crimeNumber) return { view: 'case', crimeNumber }
  }
  return { view: 'inbox', team: value === 'inbox/team' }
}

/** The fragment that opens a case. */
export function caseHash(crimeNumber) {
  return `#case/${encodeURIComponent(String(crimeNumber).trim())}`
}

/** The API path of a case (crime numbers may hold characters a path cannot). */
export function casePath(crimeNumber) {
  return `/officer/cases/${encodeURIComponent(String(crimeNumber).trim())}`
}

// The API's message for an empty required field is the same for every field;
// the console names what is missing, as the GOV.UK pattern asks.
const MISSING = {
  type: 'Choose what has happened',
  text: 'Enter the text to send',
  crimeNumber: 'Enter the crime number',
  'officer.name': "Enter the officer in charge's name",
  'officer.email': "Enter the officer in charge's email address"
}

// A person's fields (contacts[N].role ...): when the case has one person,
// "their" is clear; with more, the message names the person (as numbered on the page).
const PERSON_FIELD = /^contacts\[(\d+)\]\.(\w+)$/
const PERSON_MISSING = {
  role: ['Choose victim or witness', (who) => `Choose whether ${who} is a victim or a witness`],
  forename: ['Enter their first name', (who) => `Enter the first name of ${who}`],
  surname: ['Enter their last name', (who) => `Enter the last name of ${who}`],
  dateOfBirth: ['Enter their date of birth', (who) => `Enter the date of birth of ${who}`],
  // The API asks for an email address or a mobile number (either will do) on the email field.
  email: ['Enter their email address or mobile number', (who) => `Enter the email address or mobile number of ${who}`]
}

/**
 * The message to show for a field the API refused: its own, unless it only
 * says a value is missing. With people > 1, a person's field names the person.
 */
export function fieldMessage(field, message, { people = 1 } = {}) {
  const text = String(message)
  // The API names the field from its key ("Enter the forename"): the console's words are better.
  const missing = /^Enter (a value|the [a-z ]+)$/i.test(text)
  const person = PERSON_FIELD.exec(field)
  if (person) {
    const who = `person ${Number(person[1]) + 1}`
    const words = PERSON_MISSING[person[2]]
    if (missing && words) return people > 1 ? words[1](who) : words[0]
    return people > 1 ? `Person ${Number(person[1]) + 1}: ${text}` : text
  }
  if (missing && MISSING[field]) return MISSING[field]
  return text
}

/** A 400 answer's field errors with the console's wording (see fieldMessage). */
export function withFieldMessages(body, options = {}) {
  if (!body || typeof body.fields !== 'object' || !body.fields) return body
  const fields = Object.fromEntries(Object.entries(body.fields).map(([field, message]) => [field, fieldMessage(field, message, options)]))
  return { ...body, fields }
}

/** "Sam Taylor (victim)" */
export function contactName(contact) {
  const name = [contact.forename, contact.surname].filter(Boolean).join(' ') || 'Unnamed person'
  return contact.role ? `${name} (${contact.role})` : name
}
