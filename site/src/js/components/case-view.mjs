// The case page: reads the signed-in person's case and shows it (status,
// officer in charge, updates newest first), lets them check for new updates,
// and keeps the idle warning (IdleWarning) for their session.
import { get, sessionTimings, signOut } from '../api.mjs'
import { Component } from '../component.mjs'
import { el, serviceProblem, showErrors } from '../forms.mjs'
import { IdleWarning } from './idle-warning.mjs'

const LONDON = 'Europe/London'
const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, day: 'numeric', month: 'long', year: 'numeric' })
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: 'numeric', minute: '2-digit', hourCycle: 'h12' })

/** "27 November 2026 at 9:05pm", in UK time whatever the device's zone. */
export function formatPosted(iso) {
  const when = new Date(iso)
  if (Number.isNaN(when.getTime())) return iso
  const time = timeFormat.format(when).replace(/\s/g, '').toLowerCase()
  return `${dateFormat.format(when)} at ${time}`
}

/** A code such as "crime_recorded" as words, when the API gives no label. */
export function readable(code) {
  return String(code || '').replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase())
}

/** The case's updates, newest first, whatever order they came in. */
export function newestFirst(updates) {
  // The API answers newest first; sort anyway so the order is never in doubt.
  return [...(Array.isArray(updates) ? updates : [])].sort((a, b) => Date.parse(b.postedAt) - Date.parse(a.postedAt))
}

/** What the page says after checking for new updates at time. */
export function checkedMessage(time, count) {
  return `Checked at ${time}. ${count === 1 ? '1 update' : `${count} updates`}.`
}

function renderUpdate(update) {
  const meta = [el('time', { datetime: update.postedAt }, formatPosted(update.postedAt))]
  if (update.officerName) meta.push(`, by ${update.officerName}`)
  return el('li', { class: 'tmc-update' },
    el('h3', { class: 'govuk-heading-s govuk-!-margin-bottom-1' }, update.typeLabel || readable(update.type)),
    el('p', { class: 'govuk-body-s tmc-update__meta' }, ...meta),
    el('p', { class: 'govuk-body tmc-update__text' }, update.text || ''))
}

export class CaseView extends Component {
  static moduleName = 'tmc-case'

  constructor(root) {
    super(root)
    const part = (selector, what) => this.required(selector, `${what} (\`${selector}\`)`)
    this.errors = part('[data-tmc-errors]', 'the place for the error summary')
    this.loading = part('[data-tmc-loading]', 'the loading message')
    this.details = part('[data-tmc-case]', 'the case')
    this.fields = {
      crimeNumber: part('[data-tmc-field="crimeNumber"]', 'the crime number'),
      status: part('[data-tmc-field="status"]', 'the status'),
      officer: part('[data-tmc-field="officer"]', 'the officer in charge')
    }
    this.updates = part('[data-tmc-updates]', 'the list of updates')
    this.noUpdates = part('[data-tmc-no-updates]', 'the "no updates" message')
    this.refresh = part('[data-tmc-refresh]', 'the "Check for new updates" button')
    this.refreshStatus = part('[data-tmc-refresh-status]', 'the place for the check\'s result')
    const timings = sessionTimings()
    this.idle = new IdleWarning(part('[data-tmc-idle-warning]', 'the idle warning'), {
      idleTimeoutSeconds: timings.idleTimeoutSeconds,
      expiresAt: timings.expiresAt,
      staySignedIn: async () => (await this.load()).ok,
      onTimeout: () => {
        signOut({ keepalive: true })
        window.location.replace('/timed-out.html')
      }
    })
    this.watching = false
    /** Settles when the first reading of the case has been shown. */
    this.ready = this.start()
  }

  async start() {
    const first = await this.load()
    if (!first.ok) return
    this.idle.watch()
    this.watching = true
    this.refresh.addEventListener('click', () => this.checkForUpdates())
  }

  /** Reads the case and shows it; ok when it was read (and the session's idle time reset). */
  async load() {
    const { status, body } = await get('/victim/case')
    if (status === 200 && body) {
      this.errors.replaceChildren()
      const count = this.render(body)
      if (this.watching) this.idle.touch()
      return { ok: true, count }
    }
    if (status === 401) {
      window.location.replace(this.watching ? '/timed-out.html' : '/sign-in.html')
      return { ok: false, signedOut: true }
    }
    this.loading.hidden = true
    showErrors(null, this.errors, serviceProblem())
    return { ok: false }
  }

  async checkForUpdates() {
    this.refreshStatus.textContent = 'Checking…'
    const result = await this.load()
    if (result.ok) {
      const now = formatPosted(new Date().toISOString()).split(' at ')[1]
      this.refreshStatus.textContent = checkedMessage(now, result.count)
    } else {
      this.refreshStatus.textContent = ''
    }
  }

  /** Shows the case; returns how many updates it has. */
  render(found) {
    this.fields.crimeNumber.textContent = found.crimeNumber
    this.fields.status.textContent = found.statusLabel || readable(found.status)
    const officer = found.officer || {}
    this.fields.officer.replaceChildren(
      ...(officer.name ? [officer.name] : ['Not yet assigned']),
      // The row is already labelled "Officer in charge": show any other role.
      ...(officer.role && !/^officer in charge$/i.test(officer.role)
        ? [el('br'), el('span', { class: 'govuk-body-s' }, officer.role)]
        : []))
    const sorted = newestFirst(found.updates)
    this.updates.replaceChildren(...sorted.map(renderUpdate))
    this.noUpdates.hidden = sorted.length > 0
    this.details.hidden = false
    this.loading.hidden = true
    return sorted.length
  }
}
