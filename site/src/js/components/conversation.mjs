// The conversation on the case page: the officer's updates, the person's own
// messages and requests for an update, and the officer's replies, as one list,
// newest first. Pure functions, and the rendering of one entry; CaseView puts
// the list on the page.
import { el } from '../forms.mjs'
import { currentLanguage, dateFormat, t, tn } from '../i18n.mjs'

const LONDON = 'Europe/London'
// Made when first used, in the page's language (the catalogue is installed
// after this module is imported), and again if the language changes.
const formats = { lang: null }
function format(name) {
  if (formats.lang !== currentLanguage()) {
    formats.lang = currentLanguage()
    formats.date = dateFormat({ timeZone: LONDON, day: 'numeric', month: 'long', year: 'numeric' })
    // The hour and minute in UK time, 24-hour; am/pm are the catalogue's
    // (Intl gives Welsh "3:05 PM"; Welsh writes "3:05yp").
    formats.clock = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    // A due date is a calendar date, not an instant: read and shown in UTC so no
    // device's zone can move it to the day before.
    formats.due = dateFormat({ timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
  }
  return formats[name]
}

/** "9:05pm" (Welsh "9:05yp") for "21:05". */
export function clockTime(hhmm) {
  const [hour, minute] = String(hhmm).split(':').map(Number)
  const time = `${hour % 12 === 0 ? 12 : hour % 12}:${String(minute).padStart(2, '0')}`
  return t(hour < 12 ? 'js.time.am' : 'js.time.pm', { time })
}

/** "9:05pm" for an instant, in UK time whatever the device's zone. */
export function formatTime(iso) {
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return String(iso)
  const parts = Object.fromEntries(format('clock').formatToParts(when).map((p) => [p.type, p.value]))
  return clockTime(`${Number(parts.hour) % 24}:${parts.minute}`)
}

/** "27 November 2026 at 9:05pm" ("27 Tachwedd 2026 am 9:05yp"), in UK time whatever the device's zone. */
export function formatPosted(iso) {
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return iso
  return t('js.time.posted', { date: format('date').format(when), time: formatTime(iso) })
}

/** "Friday 4 December 2026" for "2026-12-04" (GOV.UK style: no comma); anything else as it came. */
export function formatDue(ymd) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(ymd || ''))
  if (!match) return ymd || ''
  const [year, month, day] = match.slice(1).map(Number)
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return ymd
  // Some engines put a comma after the weekday in en-GB; GOV.UK style has none.
  return format('due').formatToParts(date).map((p) => (p.type === 'literal' ? p.value.replace(',', '') : p.value)).join('')
}

/** A code such as "crime_recorded" as words, when the API gives no label. */
export function readable(code) {
  return String(code || '').replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase())
}

const list = (value) => (Array.isArray(value) ? value : [])

/** Epoch ms of an ISO time; a time that cannot be read sorts as the oldest. */
function instant(iso) {
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? -Infinity : ms
}

/**
 * The updates and messages as one list, newest first, whatever order they
 * came in: each entry is {type: "update" | "message" | "update_request",
 * from: "officer" | "victim", at, item}, item being what the API sent.
 */
export function conversation(updates, messages) {
  const entries = [
    ...list(updates).map((item) => ({ type: 'update', from: 'officer', at: item.postedAt, item })),
    ...list(messages).map((item) => ({
      type: item.kind === 'update_request' ? 'update_request' : 'message',
      from: item.from === 'officer' ? 'officer' : 'victim',
      at: item.sentAt,
      item
    }))
  ]
  // Array.prototype.sort is stable: entries of the same time keep the API's order.
  return entries.sort((a, b) => {
    const [x, y] = [instant(a.at), instant(b.at)]
    return x === y ? 0 : y > x ? 1 : -1
  })
}

/** The entry's heading: the update's type, or who wrote the message. */
export function entryHeading({ type, from, item }) {
  if (type === 'update') return item.typeLabel || readable(item.type)
  if (type === 'update_request') return t('js.conversation.you_asked')
  if (from === 'victim') return t('js.conversation.from_you')
  return item.officerName
    ? t('js.conversation.from_officer', { name: item.officerName })
    : t('js.conversation.from_officer_in_charge')
}

/** Who wrote an update, after its time (", by PC Reid"); for messages the heading says who. */
export function entryAuthor({ type, item }) {
  return type === 'update' && item.officerName ? t('js.conversation.by', { name: item.officerName }) : ''
}

/**
 * For the person's own messages and requests, what has happened to them:
 * read or not, answered or when to expect a reply. Nothing for the officer's.
 */
export function entryStatus({ from, item }) {
  if (from !== 'victim') return []
  const status = [item.readAt
    ? t('js.conversation.read', { date: formatPosted(item.readAt) })
    : t('js.conversation.not_read')]
  if (item.answeredAt) status.push(t('js.conversation.answered'))
  else if (item.replyDueBy) status.push(t('js.conversation.reply_by', { date: formatDue(item.replyDueBy) }))
  return status
}

/** One entry of the conversation as a list item; every string from the API as text. */
export function renderEntry(entry) {
  const classes = ['tmc-update', entry.from === 'victim' ? 'tmc-update--yours' : null, `tmc-update--${entry.type.replace('_', '-')}`]
  const status = entryStatus(entry)
  const text = entry.item.text || ''
  const author = entryAuthor(entry)
  return el('li', { class: classes.filter(Boolean).join(' ') },
    el('h3', { class: 'govuk-heading-s govuk-!-margin-bottom-1' }, entryHeading(entry)),
    el('p', { class: 'govuk-body-s tmc-update__meta' },
      el('time', { datetime: entry.at }, formatPosted(entry.at)), ...(author ? [author] : [])),
    ...(text ? [el('p', { class: 'govuk-body tmc-update__text' }, text)] : []),
    ...(status.length
      ? [el('ul', { class: 'govuk-list govuk-body-s tmc-update__status' }, ...status.map((s) => el('li', {}, s)))]
      : []))
}

/** What the page says after checking for news at time. */
export function checkedMessage(time, updates, messages = 0) {
  const counted = tn('js.case.updates', updates)
  return messages
    ? t('js.case.checked_with_messages', { time, updates: counted, messages: tn('js.case.messages', messages) })
    : t('js.case.checked', { time, updates: counted })
}
