// The case page: reads the signed-in person's case and shows it (status,
// officer in charge, when to expect the next update, and the conversation:
// updates and messages, newest first), lets them check for news, ask for an
// update (UpdateRequest) and send a message (MessageForm), and keeps the idle
// warning (IdleWarning) for their session.
import { get, post, sessionTimings, signOut } from '../api.mjs'
import { Component } from '../component.mjs'
import { clearErrors, el, serviceProblem, showErrors, showSuccess } from '../forms.mjs'
import { pagePath, t, tn } from '../i18n.mjs'
import { checkedMessage, conversation, formatDue, formatPosted, formatTime, readable, renderEntry } from './conversation.mjs'
import { IdleWarning } from './idle-warning.mjs'
import { MessageForm } from './message-form.mjs'
import { isEnded, NextSteps } from './next-steps.mjs'
import { askedSentences, UpdateRequest } from './update-request.mjs'

export { checkedMessage, formatPosted, readable }

/** The case's updates, newest first, whatever order they came in. */
export function newestFirst(updates) {
  return conversation(updates, []).map((entry) => entry.item)
}

/**
 * Items of the case's pages, each once, by id: `pages` are {updates, messages}
 * as the API gave them, newer pages first; a later copy of an item (read since,
 * say) replaces an earlier one. Returns {updates, messages}.
 */
export function mergePages(pages) {
  const updates = new Map()
  const messages = new Map()
  for (const page of pages) {
    for (const u of page.updates || []) if (!updates.has(itemKey(u))) updates.set(itemKey(u), u)
    for (const m of page.messages || []) if (!messages.has(itemKey(m))) messages.set(itemKey(m), m)
  }
  return { updates: [...updates.values()], messages: [...messages.values()] }
}

/** An item's identity: its id (the API always gives one), else all of it. */
function itemKey(item) {
  return item && item.id ? item.id : JSON.stringify(item)
}

/** What the page says once older items have been fetched. */
export function olderMessage(count, more) {
  if (count === 0) return t('js.case.older.none')
  return tn(more ? 'js.case.older.more' : 'js.case.older.last', count)
}

/** The success banner's heading and lines after asking for an update. */
export function askedBanner(request, alreadyOpen) {
  return {
    heading: t(alreadyOpen ? 'js.case.asked.already' : 'js.case.asked.heading'),
    lines: alreadyOpen ? askedSentences(request) : askedSentences(request).slice(1)
  }
}

/** The success banner's heading and lines after sending a message. */
export function sentBanner(sent) {
  return {
    heading: t('js.case.sent.heading'),
    lines: [
      sent && sent.replyDueBy
        ? t('js.case.sent.reply_by', { date: formatDue(sent.replyDueBy) })
        : t('js.case.sent.reply_soon'),
      t('js.case.let_you_know')
    ]
  }
}

/**
 * A message with one placeholder, {name}, replaced by node (a link): the
 * text before it, the node, the text after, for el() or append().
 */
export function withNode(text, name, node) {
  const at = text.indexOf(`{${name}}`)
  if (at < 0) return [text]
  return [text.slice(0, at), node, text.slice(at + name.length + 2)].filter((part) => part !== '')
}

/** A tel: link for a phone number as it is written ("0300 123 4567", "101"). */
export function telLink(phone) {
  return el('a', { class: 'govuk-link', href: `tel:${String(phone).replace(/[^\d+]/g, '')}` }, String(phone))
}

/**
 * How to reach the officer in charge, as lines under their name: their collar
 * number, if given; their phone number ("Call 01234 567890"), else the force's
 * number and whom to ask for; and a link to the message form (messageFormId)
 * when the page offers it. [] when no officer is assigned.
 * @param {{name?: string, collarNumber?: string | null, phone?: string | null}} officer
 */
export function officerContact(officer, { forcePhone, messageFormId = null } = {}) {
  if (!officer || !officer.name) return []
  const lines = []
  const collar = officer.collarNumber ? String(officer.collarNumber) : null
  if (collar) lines.push([t('js.case.officer.collar', { number: collar })])
  if (officer.phone) {
    lines.push(withNode(t('js.case.officer.call'), 'phone', telLink(officer.phone)))
  } else {
    const key = collar ? 'js.case.officer.call_force_collar' : 'js.case.officer.call_force'
    const text = t(key, { name: officer.name, number: collar || '' })
    lines.push(withNode(text, 'phone', telLink(forcePhone || '101')))
  }
  if (messageFormId) {
    lines.push([el('a', { class: 'govuk-link', href: `#${messageFormId}` }, t('js.case.officer.message'))])
  }
  return lines
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
    // Optional: how to reach the officer, under their name.
    this.officerContact = root.querySelector('[data-tmc-officer-contact]')
    this.nextUpdate = part('[data-tmc-next-update]', 'the "When to expect the next update" row')
    this.fields.nextUpdateDueBy = part('[data-tmc-field="nextUpdateDueBy"]', 'the date of the next update')
    this.updates = part('[data-tmc-updates]', 'the list of updates')
    this.noUpdates = part('[data-tmc-no-updates]', 'the "no updates" message')
    this.refresh = part('[data-tmc-refresh]', 'the "Check for new messages and updates" button')
    this.refreshStatus = part('[data-tmc-refresh-status]', 'the place for the check\'s result')
    this.banner = part('[data-tmc-banner]', 'the place for the success banner')
    this.nextSteps = new NextSteps(part('[data-tmc-next-steps]', 'the "What happens next" part'))
    // The case comes a page at a time, newest first (issue 17): older pages on request.
    this.older = root.querySelector('[data-tmc-older]')
    this.olderStatus = root.querySelector('[data-tmc-older-status]')
    this.olderPages = []
    this.olderCursor = null
    if (this.older) this.older.addEventListener('click', () => this.showOlder())
    this.updateRequest = new UpdateRequest(part('[data-tmc-update-request]', 'the "Ask for an update" part'), {
      onAsked: (request, alreadyOpen) => this.succeeded(askedBanner(request, alreadyOpen)),
      onFailed: (status) => this.failed(status)
    })
    this.messageForm = new MessageForm(part('[data-tmc-message-form]', 'the message form'), {
      errors: this.errors,
      onSent: (sent) => this.succeeded(sentBanner(sent)),
      onSignedOut: () => this.failed(401),
      onError: () => this.banner.replaceChildren()
    })
    const timings = sessionTimings()
    this.idle = new IdleWarning(part('[data-tmc-idle-warning]', 'the idle warning'), {
      idleTimeoutSeconds: timings.idleTimeoutSeconds,
      expiresAt: timings.expiresAt,
      staySignedIn: async () => (await this.load()).ok,
      // Reading is not a request: scrolling or typing keeps the session, reading nothing.
      keepAlive: async () => (await post('/victim/session/keep-alive')).status,
      onTimeout: () => {
        signOut({ keepalive: true })
        window.location.replace(pagePath('/timed-out.html'))
      }
    })
    this.watching = false
    this.loadFailed = false
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
      // A failure to read is cleared once reading works; the form's errors stay.
      if (this.loadFailed) this.errors.replaceChildren()
      this.loadFailed = false
      const counts = this.render(body)
      if (this.watching) this.idle.touch()
      return { ok: true, ...counts }
    }
    if (status === 401) {
      window.location.replace(pagePath(this.watching ? '/timed-out.html' : '/sign-in.html'))
      return { ok: false, signedOut: true }
    }
    this.loading.hidden = true
    this.banner.replaceChildren()
    showErrors(null, this.errors, serviceProblem())
    this.loadFailed = true
    return { ok: false }
  }

  async checkForUpdates() {
    // An earlier "sent" or "asked" banner has had its say; the check's result replaces it.
    this.banner.replaceChildren()
    this.refreshStatus.textContent = t('js.case.checking')
    const result = await this.load()
    if (result.ok) {
      const now = formatTime(new Date().toISOString())
      this.refreshStatus.textContent = checkedMessage(now, result.updates, result.messages)
    } else {
      this.refreshStatus.textContent = ''
    }
  }

  /** An update was asked for or a message sent: say so, then show the conversation with it. */
  async succeeded({ heading, lines }) {
    clearErrors(this.messageForm.form, this.errors)
    this.loadFailed = false
    this.refreshStatus.textContent = ''
    showSuccess(this.banner, heading, ...lines)
    await this.load()
  }

  /**
   * Fetches the next older page and adds it below, then moves focus to the
   * first item it added (announced by the status line), so keyboard and screen
   * reader users carry on reading where the new items start.
   */
  async showOlder() {
    if (!this.olderCursor || !this.older) return
    this.older.disabled = true
    const { status, body } = await get(`/victim/case?before=${encodeURIComponent(this.olderCursor)}`)
    this.older.disabled = false
    if (status === 401) {
      window.location.replace(pagePath('/timed-out.html'))
      return
    }
    if (status !== 200 || !body) {
      showErrors(null, this.errors, serviceProblem())
      return
    }
    const known = new Set([...this.updates.querySelectorAll('li.tmc-update')].map((li) => li.dataset.tmcId))
    this.olderPages.push({ updates: body.updates || [], messages: body.messages || [] })
    this.olderCursor = body.olderCursor || null
    this.showEntries()
    this.showOlderButton()
    if (this.watching) this.idle.touch()
    const added = [...this.updates.querySelectorAll('li.tmc-update')].filter((li) => !known.has(li.dataset.tmcId))
    if (this.olderStatus) this.olderStatus.textContent = olderMessage(added.length, Boolean(this.olderCursor))
    if (added.length) {
      added[0].setAttribute('tabindex', '-1')
      added[0].focus()
    } else if (!this.olderCursor) {
      this.olderStatus?.setAttribute('tabindex', '-1')
      this.olderStatus?.focus()
    }
  }

  showOlderButton() {
    if (this.older) this.older.hidden = !this.olderCursor
  }

  /** The newest page with every older page fetched so far, as one conversation. */
  showEntries() {
    const { updates, messages } = mergePages([this.newest || {}, ...this.olderPages])
    const entries = conversation(updates, messages)
    this.updates.replaceChildren(...entries.map((entry) => {
      const li = renderEntry(entry)
      li.dataset.tmcId = `${entry.type === 'update' ? 'u' : 'm'}:${itemKey(entry.item)}`
      return li
    }))
    this.noUpdates.hidden = entries.length > 0
    // What happens next, with the officer's reason from whichever page holds it.
    const situation = this.nextSteps.show(this.status, updates)
    // A closed case expects nothing new (a reopening is emailed): no "Check for anything new".
    this.refresh.hidden = isEnded(situation)
    if (this.refresh.hidden) this.refreshStatus.textContent = ''
    // Nor "Ask for an update": there is nothing to update on.
    this.updateRequest.ended = isEnded(situation)
    // A decision not to charge leaves the status "Being investigated": say what was decided.
    if (situation === 'not_charged') this.fields.status.textContent = t('js.case.status.not_charged')
    return entries
  }

  /** Under the officer's name: their collar number and how to reach them. */
  showOfficerContact(officer) {
    if (!this.officerContact) return
    const textarea = this.messageForm.compose.hidden ? null : this.messageForm.textarea
    const lines = officerContact(officer, {
      forcePhone: document.body.dataset.phone,
      messageFormId: textarea && textarea.id ? textarea.id : null
    })
    this.officerContact.replaceChildren(...lines.map((line) => el('p', { class: 'govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0' }, ...line)))
    this.officerContact.hidden = lines.length === 0
  }

  /** Asking or sending did not work: the session had ended, or the service failed. */
  failed(status) {
    if (status === 401) {
      window.location.replace(pagePath('/timed-out.html'))
      return
    }
    this.banner.replaceChildren()
    clearErrors(this.messageForm.form, this.errors)
    showErrors(null, this.errors, serviceProblem())
  }

  /** Shows the case; returns how many updates and messages it has. */
  render(found) {
    this.fields.crimeNumber.textContent = found.crimeNumber
    this.fields.status.textContent = found.statusLabel || readable(found.status)
    this.status = found.status
    const officer = found.officer || {}
    this.fields.officer.replaceChildren(
      ...(officer.name ? [officer.name] : [t('js.case.not_assigned')]),
      // The row is already labelled "Officer in charge": show any other role.
      ...(officer.role && !/^officer in charge$/i.test(officer.role)
        ? [el('br'), el('span', { class: 'govuk-body-s' }, officer.role)]
        : []))
    const due = found.nextUpdateDueBy
    this.nextUpdate.hidden = !due
    this.fields.nextUpdateDueBy.textContent = due ? t('js.case.next_update_by', { date: formatDue(due) }) : ''
    // Once older pages are shown, what the last newest page held stays shown
    // too (newer items may since have pushed some of it off the newest page).
    if (this.olderPages.length && this.newest) this.olderPages.unshift(this.newest)
    this.newest = { updates: found.updates || [], messages: found.messages || [] }
    // Until an older page is fetched, the newest page's cursor is where it starts.
    if (!this.olderPages.length) this.olderCursor = found.olderCursor || null
    const entries = this.showEntries()
    this.showOlderButton()
    this.updateRequest.show(found.openUpdateRequest)
    this.messageForm.show(found.messagesLeftToday)
    this.showOfficerContact(officer)
    this.details.hidden = false
    this.loading.hidden = true
    const shown = conversation(this.newest.updates, this.newest.messages)
    const updates = shown.filter((e) => e.type === 'update').length
    return { updates, messages: shown.length - updates }
  }
}
