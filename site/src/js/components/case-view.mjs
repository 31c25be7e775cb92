// The case page: reads the signed-in person's case and shows it (status,
// officer in charge, when to expect the next update, and the conversation:
// updates and messages, newest first), lets them check for news, ask for an
// update (UpdateRequest) and send a message (MessageForm), and keeps the idle
// warning (IdleWarning) for their session.
import { get, sessionTimings, signOut } from '../api.mjs'
import { Component } from '../component.mjs'
import { clearErrors, el, serviceProblem, showErrors, showSuccess } from '../forms.mjs'
import { checkedMessage, conversation, formatDue, formatPosted, readable, renderEntry } from './conversation.mjs'
import { IdleWarning } from './idle-warning.mjs'
import { MessageForm } from './message-form.mjs'
import { askedSentences, UpdateRequest } from './update-request.mjs'

export { checkedMessage, formatPosted, readable }

/** The case's updates, newest first, whatever order they came in. */
export function newestFirst(updates) {
  return conversation(updates, []).map((entry) => entry.item)
}

/** The success banner's heading and lines after asking for an update. */
export function askedBanner(request, alreadyOpen) {
  return {
    heading: alreadyOpen ? 'You have already asked for an update' : 'You have asked for an update',
    lines: alreadyOpen ? askedSentences(request) : askedSentences(request).slice(1)
  }
}

/** The success banner's heading and lines after sending a message. */
export function sentBanner(sent) {
  return {
    heading: 'Your message has been sent to the officer in charge',
    lines: [
      sent && sent.replyDueBy
        ? `They will reply by ${formatDue(sent.replyDueBy)}.`
        : 'They will reply as soon as they can.',
      'We will email you when they reply.'
    ]
  }
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
    this.nextUpdate = part('[data-tmc-next-update]', 'the "When to expect the next update" row')
    this.fields.nextUpdateDueBy = part('[data-tmc-field="nextUpdateDueBy"]', 'the date of the next update')
    this.updates = part('[data-tmc-updates]', 'the list of updates')
    this.noUpdates = part('[data-tmc-no-updates]', 'the "no updates" message')
    this.refresh = part('[data-tmc-refresh]', 'the "Check for new messages and updates" button')
    this.refreshStatus = part('[data-tmc-refresh-status]', 'the place for the check\'s result')
    this.banner = part('[data-tmc-banner]', 'the place for the success banner')
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
      onTimeout: () => {
        signOut({ keepalive: true })
        window.location.replace('/timed-out.html')
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
      window.location.replace(this.watching ? '/timed-out.html' : '/sign-in.html')
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
    this.refreshStatus.textContent = 'Checking…'
    const result = await this.load()
    if (result.ok) {
      const now = formatPosted(new Date().toISOString()).split(' at ')[1]
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

  /** Asking or sending did not work: the session had ended, or the service failed. */
  failed(status) {
    if (status === 401) {
      window.location.replace('/timed-out.html')
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
    const officer = found.officer || {}
    this.fields.officer.replaceChildren(
      ...(officer.name ? [officer.name] : ['Not yet assigned']),
      // The row is already labelled "Officer in charge": show any other role.
      ...(officer.role && !/^officer in charge$/i.test(officer.role)
        ? [el('br'), el('span', { class: 'govuk-body-s' }, officer.role)]
        : []))
    const due = found.nextUpdateDueBy
    this.nextUpdate.hidden = !due
    this.fields.nextUpdateDueBy.textContent = due ? `By ${formatDue(due)}` : ''
    const entries = conversation(found.updates, found.messages)
    this.updates.replaceChildren(...entries.map(renderEntry))
    this.noUpdates.hidden = entries.length > 0
    this.updateRequest.show(found.openUpdateRequest)
    this.messageForm.show(found.messagesLeftToday)
    this.details.hidden = false
    this.loading.hidden = true
    const updates = entries.filter((e) => e.type === 'update').length
    return { updates, messages: entries.length - updates }
  }
}
