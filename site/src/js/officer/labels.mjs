// The officer console's words and small rules, with nothing of the DOM or the
// network: what each inbox reason and contact status is called, the Victims'
// Code update types, the console's addresses (#inbox, #case/LC-1...), and
// which roles may change a case. The words come from the catalogue
// (locale/<lang>/js-officer.po), in the page's language, when asked for.
import { t } from '../i18n.mjs'

// Kept in step with chalicelib/core/domain.py UPDATE_TYPES (a Python test compares them).
// The English here is that test's; the console shows updateTypeLabel's words.
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

/** An update type's name, in the page's language (the code itself if unknown). */
export function updateTypeLabel(code) {
  return UPDATE_TYPES.some(([known]) => known === code) ? t(`js.officer.update_type.${code}`) : String(code)
}

const REASONS = ['message', 'update_request', 'update_due', 'unread']

/** What an inbox item is waiting for, in words. */
export function reasonLabel(reason) {
  return t(REASONS.includes(reason) ? `js.officer.reason.${reason}` : 'js.officer.reason.other')
}

const STATUS_COLOURS = {
  invited: 'govuk-tag--blue',
  registered: 'govuk-tag--green',
  invitation_expired: 'govuk-tag--yellow',
  alerts_failing: 'govuk-tag--red',
  texts_failing: 'govuk-tag--red',
  wants_other_contact: 'govuk-tag--orange'
}

/** A contact's status as a GOV.UK tag's words and colour class. */
export function contactStatus(status) {
  const colour = Object.hasOwn(STATUS_COLOURS, status) ? STATUS_COLOURS[status] : null
  if (!colour) return { text: t('js.officer.status.unknown'), colour: 'govuk-tag--grey' }
  return { text: t(`js.officer.status.${status}`), colour }
}

// The channels the console knows (an object, not a list: tests/stack/test_dev_issuer.py
// reads every two-string list in this file as an update type).
const CHANNELS = { email: true, text: true }

/**
 * How alerts reach a contact now (the API's `channels`: ["email"], ["text"]
 * or both), in words; a contact who stopped using the service gets none.
 */
export function channelsLabel(contact) {
  if (contact.stoppedAt) return t('js.officer.channels.stopped')
  const channels = Array.isArray(contact.channels) ? [...new Set(contact.channels.filter((c) => Object.hasOwn(CHANNELS, c)))] : []
  if (!channels.length) return t('js.officer.channels.none')
  // In the order the API gave them: "Email and text message", or "Text message and email".
  const said = t(`js.officer.channels.${channels.join('_')}`)
  const emails = contact.alertsFailing && channels.includes('email')
  const texts = contact.textsFailing && channels.includes('text')
  if (!emails && !texts) return said
  return t(`js.officer.channels.failing.${emails && texts ? 'both' : emails ? 'emails' : 'texts'}`, { channels: said })
}

/** What a contact is sent when the officer replies to them: by their channels, or nothing once they stopped. */
export function replyHint(contact) {
  if (contact.stoppedAt) return t('js.officer.reply_hint.stopped')
  const channels = Array.isArray(contact.channels) ? contact.channels : []
  const by = channels.includes('email') && channels.includes('text') ? 'both' : channels.includes('text') ? 'text' : 'email'
  return t(`js.officer.reply_hint.${by}`)
}

/** Discreet messages (safe contact), in words. */
export function safeContactLabel(on) {
  return t(on ? 'js.officer.safe_contact.on' : 'js.officer.safe_contact.off')
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
  type: 'js.officer.missing.type',
  text: 'js.officer.missing.text',
  crimeNumber: 'js.officer.missing.crimeNumber',
  'officer.name': 'js.officer.missing.officer_name',
  'officer.email': 'js.officer.missing.officer_email'
}

// A person's fields (contacts[N].role ...): when the case has one person,
// "their" is clear; with more, the message names the person (as numbered on the page).
const PERSON_FIELD = /^contacts\[(\d+)\]\.(\w+)$/
// js.officer.missing.<field> ("their"), and <field>_of naming {who}.
// The API asks for an email address or a mobile number (either will do) on the email field.
const PERSON_MISSING = ['role', 'forename', 'surname', 'dateOfBirth', 'email']

// The API's "missing" message, in English or Welsh (chalicelib's field.missing, contact.no_address).
const API_MISSING = /^(Enter (a value|the [a-z ]+)|Rhaid rhoi’r [^.]+|Rhowch y cyfeiriad e-bost neu’r rhif ffôn symudol)$/i

/**
 * The message to show for a field the API refused: its own, unless it only
 * says a value is missing. With people > 1, a person's field names the person.
 */
export function fieldMessage(field, message, { people = 1 } = {}) {
  const text = String(message)
  // The API names the field from its key ("Enter the forename"): the console's words are better.
  const missing = API_MISSING.test(text)
  const person = PERSON_FIELD.exec(field)
  if (person) {
    const number = Number(person[1]) + 1
    const name = person[2]
    if (missing && PERSON_MISSING.includes(name)) {
      return people > 1 ? t(`js.officer.missing.${name}_of`, { who: t('js.officer.person.who', { number }) }) : t(`js.officer.missing.${name}`)
    }
    return people > 1 ? t('js.officer.person.field', { number, message: text }) : text
  }
  if (missing && Object.hasOwn(MISSING, field)) return t(MISSING[field])
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
  const name = [contact.forename, contact.surname].filter(Boolean).join(' ') || t('js.officer.contact.unnamed')
  if (!contact.role) return name
  const role = /^(victim|witness)$/.test(contact.role) ? t(`js.officer.contact.role.${contact.role}`) : contact.role
  return t('js.officer.contact.name_role', { name, role })
}

/** The language of a contact's emails and texts ("en" or "cy"; English if the API gave none). */
export function languageLabel(language) {
  return t(language === 'cy' ? 'js.officer.contact.language.cy' : 'js.officer.contact.language.en')
}
