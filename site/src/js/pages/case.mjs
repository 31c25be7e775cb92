import { get, sessionTimings, signOut } from '../api.mjs'
import { el, serviceProblem, showErrors } from '../forms.mjs'
import { watchIdle } from '../idle.mjs'

const LONDON = 'Europe/London'
const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, day: 'numeric', month: 'long', year: 'numeric' })
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: 'numeric', minute: '2-digit', hour12: true })

/** "27 November 2026 at 9:05pm", in UK time whatever the device's zone. */
export function formatPosted(iso) {
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return iso
  const time = timeFormat.format(when).replace(/\s/g, '').toLowerCase()
  return `${dateFormat.format(when)} at ${time}`
}

function readable(code) {
  return String(code || '').replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase())
}

function renderUpdate(update) {
  const meta = [el('time', { datetime: update.postedAt }, formatPosted(update.postedAt))]
  if (update.officerName) meta.push(`, by ${update.officerName}`)
  return el('li', { class: 'tmc-update' },
    el('h3', { class: 'govuk-heading-s govuk-!-margin-bottom-1' }, update.typeLabel || readable(update.type)),
    el('p', { class: 'govuk-body-s tmc-update__meta' }, ...meta),
    el('p', { class: 'govuk-body tmc-update__text' }, update.text || ''))
}

function render(found) {
  const root = document.querySelector('[data-tmc-case]')
  const field = (name) => root.querySelector(`[data-tmc-field="${name}"]`)
  field('crimeNumber').textContent = found.crimeNumber
  field('status').textContent = found.statusLabel || readable(found.status)
  const officer = found.officer || {}
  field('officer').replaceChildren(
    ...(officer.name ? [officer.name] : ['Not yet assigned']),
    // The row is already labelled "Officer in charge": show any other role.
    ...(officer.role && !/^officer in charge$/i.test(officer.role)
      ? [el('br'), el('span', { class: 'govuk-body-s' }, officer.role)]
      : []))
  const updates = Array.isArray(found.updates) ? found.updates : []
  // The API answers newest first; sort anyway so the order is never in doubt.
  const sorted = [...updates].sort((a, b) => Date.parse(b.postedAt) - Date.parse(a.postedAt))
  root.querySelector('[data-tmc-updates]').replaceChildren(...sorted.map(renderUpdate))
  root.querySelector('[data-tmc-no-updates]').hidden = sorted.length > 0
  root.hidden = false
  document.querySelector('[data-tmc-loading]').hidden = true
  return sorted.length
}

export async function start() {
  const errors = document.querySelector('[data-tmc-errors]')
  const refreshStatus = document.querySelector('[data-tmc-refresh-status]')
  let idle = null

  // Returns true when the case was read (and the session's idle time reset).
  async function load() {
    const { status, body } = await get('/victim/case')
    if (status === 200 && body) {
      errors.replaceChildren()
      const count = render(body)
      if (idle) idle.touch()
      return { ok: true, count }
    }
    if (status === 401) {
      window.location.replace(idle ? '/timed-out.html' : '/sign-in.html')
      return { ok: false, signedOut: true }
    }
    document.querySelector('[data-tmc-loading]').hidden = true
    showErrors(null, errors, serviceProblem())
    return { ok: false }
  }

  const first = await load()
  if (!first.ok) return

  const timings = sessionTimings()
  idle = watchIdle({
    dialog: document.querySelector('[data-tmc-idle-warning]'),
    idleTimeoutSeconds: timings.idleTimeoutSeconds,
    expiresAt: timings.expiresAt,
    staySignedIn: async () => (await load()).ok,
    onTimeout: () => {
      signOut({ keepalive: true })
      window.location.replace('/timed-out.html')
    }
  })

  document.querySelector('[data-tmc-refresh]').addEventListener('click', async () => {
    refreshStatus.textContent = 'Checking…'
    const result = await load()
    if (result.ok) {
      const now = formatPosted(new Date().toISOString()).split(' at ')[1]
      refreshStatus.textContent = `Checked at ${now}. ${result.count === 1 ? '1 update' : `${result.count} updates`}.`
    } else {
      refreshStatus.textContent = ''
    }
  })
}
