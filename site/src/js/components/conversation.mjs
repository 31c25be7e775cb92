// The conversation on the case page: the officer's updates, the person's own
// messages and requests for an update, and the officer's replies, as one list,
// newest first. Pure functions, and the rendering of one entry; CaseView puts
// the list on the page.
import { el } from '../forms.mjs'

const LONDON = 'Europe/London'
const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, day: 'numeric', month: 'long', year: 'numeric' })
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: 'numeric', minute: '2-digit', hourCycle: 'h12' })
// A due date is a calendar date, not an instant: read and shown in UTC so no
// device's zone can move it to the day before.
const dueFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })

/** "27 November 2026 at 9:05pm", in UK time whatever the device's zone. */
export function formatPosted(iso) {
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return iso
  const time = timeFormat.format(when).replace(/\s/g, '').toLowerCase()
  return `${dateFormat.format(when)} at ${time}`
}

/** "Friday 4 December 2026" for "2026-12-04" (GOV.UK style: no comma); anything else as it came. */
export function formatDue(ymd) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(ymd || ''))
  if (!match) return ymd || ''
  const [year, month, day] = match.slice(1).map(Number)
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return ymd
  // Some engines put a comma after the weekday in en-GB; GOV.UK style has none.
  return dueFormat.formatToParts(date).map((p) => (p.type === 'literal' ? p.value.replace(',', '') : p.value)).join('')
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
  if (type === 'update_request') return 'You asked for an update'
  if (from === 'victim') return 'Message from you'
  return `Message from ${item.officerName || 'the officer in charge'}`
}

/** Who wrote an update, after its time (", by PC Reid"); for messages the heading says who. */
export function entryAuthor({ type, item }) {
  return type === 'update' && item.officerName ? `, by ${item.officerName}` : ''
}

/**
 * For the person's own messages and requests, what has happened to them:
 * read or not, answered or when to expect a reply. Nothing for the officer's.
 */
export function entryStatus({ from, item }) {
  if (from !== 'victim') return []
  const status = [item.readAt ? `Read by the officer on ${formatPosted(item.readAt)}` : 'Not read yet']
  if (item.answeredAt) status.push('Answered')
  else if (item.replyDueBy) status.push(`Expect a reply by ${formatDue(item.replyDueBy)}`)
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
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`
  return `Checked at ${time}. ${plural(updates, 'update')}${messages ? ` and ${plural(messages, 'message')}` : ''}.`
}
