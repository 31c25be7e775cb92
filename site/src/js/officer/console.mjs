// The officer console: one page (/officer/index.html) whose views (the inbox,
// a case, recording a case) are drawn from its <template>s, chosen by the
// address's fragment (#inbox, #inbox/team, #case/LC-1, #new-case). One page,
// because the tokens are in memory only: loading another page would lose
// them. Everything shown comes from the API in this page's memory and is
// written as text; signing out, timing out or leaving the page clears it.
// Its words are the page's language's (locale/<lang>/js-officer.po).
import { initAll } from '/assets/govuk-frontend.min.js'
import { Component } from '../component.mjs'
import { formatDue, formatPosted } from '../components/conversation.mjs'
import { WARN_BEFORE_MS, describeTimeLeft } from '../components/idle-warning.mjs'
import { clearErrors, el, fieldErrors, readDate, setTitle, showErrors, showSuccess } from '../forms.mjs'
import { currentLanguage, t } from '../i18n.mjs'
import { OfficerAuth } from './auth.mjs'
import { IdleTimer } from './idle.mjs'
import {
  UPDATE_TYPES, caseHash, casePath, channelsLabel, contactName, contactStatus, languageLabel, mayWrite, reasonLabel,
  replyHint, routeOf, safeContactLabel, updateTypeLabel, withFieldMessages
} from './labels.mjs'
import { inboxCaption, nextInboxItems } from './inbox.mjs'
import { officerApi } from './officer-api.mjs'
import { MAX_PEOPLE, namesInWords, numberPerson, peopleStatus, personHeading } from './people.mjs'
import { keepLanguage, signInProblem } from './sign-in-settings.mjs'

const DAY_MS = 24 * 60 * 60 * 1000
const ACTIVITY = ['keydown', 'pointerdown', 'input', 'focusin']

function problem(message) {
  return [{ message }]
}

// Message keys (t() is called when a message is shown, in the page's language).
const SERVICE_PROBLEM = 'js.officer.service_problem'
const SIGN_IN_ENDED = 'js.officer.sign_in_ended'
const NOT_SENT_SIGNED_OUT = 'js.officer.not_sent_signed_out'
const READ_ONLY = 'js.officer.read_only'
const NOT_ANSWERING = 'js.officer.sign_in.not_answering'

/** This browser's local storage, or null where it is refused. */
function localStore() {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
}

export class OfficerConsole extends Component {
  static moduleName = 'tmc-officer-console'

  constructor(root) {
    super(root)
    this.view = this.required('[data-tmc-view]')
    this.errors = this.required('[data-tmc-errors]')
    this.banner = this.required('[data-tmc-banner]')
    this.templates = {}
    for (const name of ['sign-in', 'inbox', 'case', 'contact', 'new-case', 'not-found']) {
      this.templates[name] = document.querySelector(`template[data-tmc-template="${name}"]`)
      if (!this.templates[name]) this.required(`template[data-tmc-template="${name}"]`)
    }
    this.nav = document.querySelector('[data-tmc-officer-nav]')
    this.auth = new OfficerAuth({
      authority: this.setting('authority'), clientId: this.setting('clientId'), scope: this.setting('scope')
    }, { onEnded: () => this.tokenExpired() })
    this.api = officerApi({
      token: () => this.auth.accessToken(),
      onSignedOut: () => this.ended(t(SIGN_IN_ENDED))
    })
    const idleMs = Number(root.dataset.idleMinutes || 15) * 60 * 1000
    this.warning = this.required('[data-tmc-idle-warning]')
    this.idle = new IdleTimer({
      idleMs,
      warnMs: WARN_BEFORE_MS,
      onWarn: (left) => this.warn(left),
      onIdle: () => this.signOut({ timedOut: true })
    })
    this.warning.querySelector('[data-tmc-idle-for]').textContent = describeTimeLeft(idleMs - WARN_BEFORE_MS)
    this.warning.querySelector('[data-tmc-stay]').addEventListener('click', () => this.stay())
    // Escape would close the warning without a choice: it counts as staying.
    this.warning.addEventListener('cancel', (event) => {
      event.preventDefault()
      this.stay()
    })
    for (const type of ACTIVITY) document.addEventListener(type, () => this.idle.touch(), { passive: true })
    // Timers sleep in a hidden tab or a closed laptop: look at the clock on return.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.idle.check()
    })
    // Nothing of a case may outlive the page: not in the back-forward cache, not after sign-out.
    window.addEventListener('pagehide', () => this.clear())
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) this.showSignIn()
    })
    window.addEventListener('hashchange', () => this.route())
    document.addEventListener('click', (event) => {
      const link = event.target instanceof Element ? event.target.closest('[data-tmc-sign-out]') : null
      if (link) {
        event.preventDefault()
        this.signOut()
      }
    })
    this.start()
  }

  async start() {
    try {
      const user = await this.auth.completeSignIn()
      if (user) {
        this.signedIn()
        window.history.replaceState(null, '', window.location.pathname + this.auth.returnHash())
        this.route()
        return
      }
    } catch (error) {
      this.showSignIn(signInProblem(error))
      return
    }
    this.showSignIn()
  }

  signedIn() {
    this.writer = mayWrite(this.auth.profile().roles)
    this.nav.hidden = false
    for (const item of document.querySelectorAll('[data-tmc-writer-only]')) item.hidden = !this.writer
    this.idle.start()
  }

  /** The idle warning, open (focus moves into it) with the time left in words. */
  warn(left) {
    const words = describeTimeLeft(left)
    const countdown = this.warning.querySelector('[data-tmc-countdown]')
    if (countdown.textContent !== words) countdown.textContent = words
    if (!this.warning.open) {
      this.beforeWarning = document.activeElement
      this.warning.showModal()
    }
  }

  stay() {
    const stayed = this.idle.stay()
    if (stayed) this.closeWarning()
  }

  closeWarning() {
    if (!this.warning.open) return
    this.warning.close()
    // Back to where the officer was, if it is still there.
    if (this.beforeWarning?.isConnected) this.beforeWarning.focus()
    this.beforeWarning = null
  }

  clear() {
    this.idle.stop()
    this.closeWarning()
    this.auth.forget()
    this.view.replaceChildren()
    this.errors.replaceChildren()
    this.banner.replaceChildren()
    if (this.nav) this.nav.hidden = true
  }

  /**
   * The access token has expired (an hour after signing in). If the officer
   * has typed into a form, the page stays as it is: sending it will say the
   * sign-in has ended and keep the text (see listen). Otherwise, the sign-in
   * page, saying why.
   */
  tokenExpired() {
    const typed = [...this.view.querySelectorAll('form textarea, form input')].some((field) =>
      ['checkbox', 'radio'].includes(field.type) ? field.checked !== field.defaultChecked : field.value !== field.defaultValue)
    if (typed) {
      this.expired = true
      return
    }
    this.ended(t(SIGN_IN_ENDED))
  }

  ended(reason) {
    this.expired = false
    if (!this.auth.user && this.view.querySelector('[data-tmc-sign-in]')) return
    this.clear()
    this.showSignIn(reason)
  }

  async signOut({ timedOut = false } = {}) {
    this.idle.stop()
    this.closeWarning()
    this.view.replaceChildren()
    this.errors.replaceChildren()
    this.banner.replaceChildren()
    this.nav.hidden = true
    // The provider returns to the English page, which sends a Welsh-speaking officer on.
    keepLanguage(localStore(), currentLanguage())
    try {
      await this.auth.signOut({ timedOut })
    } catch {
      this.clear()
      this.showSignIn(t('js.officer.signed_out_console_only'))
    }
  }

  // -- views ----------------------------------------------------------------------------

  /** Puts a template's copy in the view, titles the page, focuses its heading. */
  show(name, title, { focus = true } = {}) {
    const content = this.templates[name].content.cloneNode(true)
    this.errors.replaceChildren()
    this.view.replaceChildren(content)
    // An auditor's pages hold no form at all, not even a hidden one.
    if (!this.writer) for (const item of this.view.querySelectorAll('[data-tmc-writer-only]')) item.remove()
    setTitle(title)
    for (const link of document.querySelectorAll('[data-tmc-nav]')) {
      const current = link.dataset.tmcNav === name
      link.closest('li').classList.toggle('govuk-service-navigation__item--active', current)
      if (current) link.setAttribute('aria-current', 'page')
      else link.removeAttribute('aria-current')
    }
    if (focus) this.view.querySelector('h1')?.focus()
    return this.view
  }

  showSignIn(reason) {
    this.writer = false
    const view = this.show('sign-in', t('js.officer.sign_in.title'))
    const said = view.querySelector('[data-tmc-reason]')
    if (reason) {
      said.textContent = reason
      said.hidden = false
      said.classList.add('govuk-inset-text')
    }
    view.querySelector('[data-tmc-sign-in]').addEventListener('click', () => this.signIn())
  }

  /** To the identity provider, back at this view (remembering this page's language: see keepLanguage). */
  signIn() {
    keepLanguage(localStore(), currentLanguage())
    this.auth.signIn(window.location.hash || '#inbox').catch(() => {
      showErrors(null, this.errors, problem(t(NOT_ANSWERING)))
    })
  }

  route() {
    if (!this.auth.user) {
      // Leaving a form kept after the sign-in ended: ask for a sign-in now.
      if (this.expired) this.ended(t(SIGN_IN_ENDED))
      return
    }
    this.banner.replaceChildren()
    const where = routeOf(window.location.hash)
    if (where.view === 'case') return this.showCase(where.crimeNumber)
    if (where.view === 'new-case') return this.showNewCase()
    return this.showInbox(where.team)
  }

  async showInbox(team) {
    const view = this.show('inbox', t(team ? 'js.officer.inbox.team_title' : 'js.officer.inbox.title'))
    const profile = this.auth.profile()
    view.querySelector('[data-tmc-officer-name]').textContent = profile.name ? t('js.officer.inbox.signed_in_as', { name: profile.name }) : ''
    for (const link of view.querySelectorAll('[data-tmc-scope]')) {
      if ((link.dataset.tmcScope === 'team') === Boolean(team)) link.setAttribute('aria-current', 'page')
    }
    const findForm = view.querySelector('[data-tmc-find-form]')
    findForm.addEventListener('submit', (event) => {
      event.preventDefault()
      const number = findForm.elements.namedItem('crimeNumber').value.trim()
      if (!number) {
        showErrors(findForm, this.errors, [{ field: 'crimeNumber', message: t('js.officer.inbox.find_missing') }])
        return
      }
      window.location.hash = caseHash(number)
    })
    const place = view.querySelector('[data-tmc-inbox-items]')
    place.replaceChildren(el('p', { class: 'govuk-body tmc-loading' }, t('js.officer.inbox.loading')))
    const first = await nextInboxItems(this.api, { team })
    if (first.status === 401 || !place.isConnected) return
    if (first.status !== 200) {
      place.replaceChildren()
      showErrors(null, this.errors, problem(t(SERVICE_PROBLEM)))
      return
    }
    if (!first.items.length && !first.cursor) {
      place.replaceChildren(el('div', { class: 'govuk-inset-text' },
        t(team ? 'js.officer.inbox.empty_team' : 'js.officer.inbox.empty_mine')))
      return
    }
    const table = inboxTable(first.items)
    place.replaceChildren(table)
    this.pageInbox(view, table, team, first.items.length, first.cursor)
  }

  /**
   * "Show more" under the inbox while the API has a cursor: the next items
   * join the same table, and focus moves to the first of them, so the officer
   * carries on reading where the list had ended.
   */
  pageInbox(view, table, team, shown, cursor) {
    const more = view.querySelector('[data-tmc-inbox-more]')
    const button = more.querySelector('[data-tmc-show-more]')
    const caption = table.querySelector('caption')
    let count = shown
    let next = cursor
    caption.textContent = inboxCaption(count, Boolean(next))
    more.hidden = !next
    button.addEventListener('click', async () => {
      if (button.disabled || !next) return
      button.disabled = true
      button.setAttribute('aria-disabled', 'true')
      try {
        const page = await nextInboxItems(this.api, { team, cursor: next })
        if (page.status === 401 || !table.isConnected) return
        if (page.status !== 200) {
          showErrors(null, this.errors, problem(t(SERVICE_PROBLEM)))
          return
        }
        this.errors.replaceChildren()
        next = page.cursor
        const rows = inboxRows(page.items)
        table.querySelector('tbody').append(...rows)
        count += rows.length
        caption.textContent = inboxCaption(count, Boolean(next))
        if (!next) {
          button.remove()
          const said = more.querySelector('[data-tmc-inbox-more-text]')
          said.textContent = t(rows.length ? 'js.officer.inbox.everything' : 'js.officer.inbox.nothing_more')
          if (!rows.length) said.focus()
        }
        rows[0]?.querySelector('a')?.focus()
      } finally {
        if (button.isConnected) {
          button.disabled = false
          button.removeAttribute('aria-disabled')
        }
      }
    })
  }

  async showCase(crimeNumber, success) {
    const { status, body } = await this.api.get(casePath(crimeNumber))
    if (status === 401) return
    if (status === 404 || status === 403) {
      const view = this.show('not-found', t('js.officer.not_found.title'))
      view.querySelector('[data-tmc-not-found-text]').textContent = t('js.officer.not_found.text', { crimeNumber })
      return
    }
    if (status !== 200) {
      this.show('not-found', t('js.officer.not_found.title'))
      showErrors(null, this.errors, problem(t(SERVICE_PROBLEM)))
      return
    }
    const view = this.show('case', t('js.officer.case.title', { crimeNumber: body.crimeNumber }), { focus: !success })
    this.fillCase(view, body)
    initAll({ scope: view })
    if (success) showSuccess(this.banner, ...success)
  }

  fillCase(view, data) {
    view.querySelector('[data-tmc-crime-number]').textContent = data.crimeNumber
    view.querySelector('[data-tmc-read-only]').hidden = this.writer
    const field = (name) => view.querySelector(`[data-tmc-field="${name}"]`)
    field('statusLabel').textContent = data.statusLabel || data.status
    field('officer').replaceChildren(data.officer?.name || '', el('br'), data.officer?.email || '')
    field('nextUpdateDueBy').textContent = data.nextUpdateDueBy ? formatDue(data.nextUpdateDueBy) : t('js.officer.case.not_set')
    field('createdAt').textContent = formatPosted(data.createdAt)

    const contacts = view.querySelector('[data-tmc-contacts]')
    for (const contact of data.contacts || []) contacts.append(this.contactSection(data.crimeNumber, contact))

    if (this.writer) {
      const select = view.querySelector('[data-tmc-update-types]')
      for (const [code] of UPDATE_TYPES) select.append(el('option', { value: code }, updateTypeLabel(code)))
      const updateForm = view.querySelector('[data-tmc-update-form]')
      this.listen(updateForm, (form) => {
        const body = { type: form.elements.namedItem('type').value, text: form.elements.namedItem('text').value }
        const due = readDate(form, 'nextUpdateDueBy')
        if (due) body.nextUpdateDueBy = due
        return this.api.post(`${casePath(data.crimeNumber)}/updates`, body)
      }, [201, 200], () => this.showCase(data.crimeNumber, [t('js.officer.update.posted.title'), t('js.officer.update.posted.text')]))
    }

    const updates = view.querySelector('[data-tmc-updates]')
    for (const update of data.updates || []) {
      updates.append(el('li', { class: 'tmc-update' },
        el('h3', { class: 'govuk-heading-s govuk-!-margin-bottom-1' }, update.typeLabel || updateTypeLabel(update.type)),
        el('p', { class: 'govuk-body-s tmc-update__meta' }, t('js.officer.case.update_meta',
          { date: formatPosted(update.postedAt), name: update.officerName || t('js.officer.case.an_officer') })),
        el('p', { class: 'govuk-body tmc-update__text' }, update.text)))
    }
    if (!updates.children.length) updates.replaceWith(el('p', { class: 'govuk-body' }, t('js.officer.case.no_updates')))
  }

  contactSection(crimeNumber, contact) {
    const section = this.templates.contact.content.cloneNode(true).querySelector('[data-tmc-contact]')
    const id = `contact-${contact.id}`.replace(/[^A-Za-z0-9_-]/g, '')
    const name = contactName(contact)
    const person = [contact.forename, contact.surname].filter(Boolean).join(' ') || t('js.officer.contact.this_person')
    section.querySelector('[data-tmc-contact-name]').textContent = name
    const field = (key) => section.querySelector(`[data-tmc-field="${key}"]`)
    const status = contactStatus(contact.status)
    const tag = el('strong', { class: `govuk-tag ${status.colour}` }, status.text)
    field('status').replaceChildren(tag)
    // Each failing channel says why, whichever status the tag shows.
    if (contact.alertsFailingReason) {
      field('status').append(el('br'), t('js.officer.contact.emails_failing', { reason: contact.alertsFailingReason }))
    }
    if (contact.textsFailing) {
      field('status').append(el('br'), t('js.officer.contact.texts_failing',
        { reason: contact.textsFailingReason || t('js.officer.contact.texts_failing_unknown') }))
    }
    field('lastReadAt').textContent = contact.lastReadAt ? formatPosted(contact.lastReadAt) : t('js.officer.contact.not_yet')
    field('channels').textContent = channelsLabel(contact)
    field('language').textContent = languageLabel(contact.language)
    field('safeContact').textContent = safeContactLabel(contact.safeContact)
    field('enhancedRights').textContent = t(contact.enhancedRights ? 'js.officer.contact.enhanced_yes' : 'js.officer.contact.enhanced_no')
    const stopped = section.querySelector('[data-tmc-stopped]')
    if (contact.stoppedAt) {
      stopped.hidden = false
      stopped.textContent = t('js.officer.contact.stopped', { person, date: formatPosted(contact.stoppedAt) })
    }

    const conversation = section.querySelector('[data-tmc-conversation]')
    section.querySelector('[data-tmc-conversation-heading]').textContent = t('js.officer.contact.conversation', { person })
    const messages = Array.isArray(contact.messages) ? contact.messages : []
    for (const message of messages) conversation.append(messageEntry(message, person))
    if (!messages.length) conversation.replaceWith(el('p', { class: 'govuk-body' }, t('js.officer.contact.no_messages', { person })))

    const invitation = section.querySelector('[data-tmc-invitation-form]')
    const reply = section.querySelector('[data-tmc-reply-form]')
    const safe = section.querySelector('[data-tmc-safe-contact-form]')
    if (!this.writer) {
      invitation.remove()
      reply.remove()
      safe.remove()
      return section
    }
    const contactPath = `${casePath(crimeNumber)}/contacts/${encodeURIComponent(contact.id)}`
    safe.hidden = false
    const hint = safe.querySelector('[data-tmc-hint="safeContact"]')
    hint.id = `${id}-safe-hint`
    const turn = safe.querySelector('[data-tmc-safe-contact-button]')
    turn.textContent = t(contact.safeContact ? 'js.officer.safe.turn_off' : 'js.officer.safe.turn_on')
    turn.setAttribute('aria-describedby', hint.id)
    this.listen(safe, () => this.api.post(`${contactPath}/safe-contact`, { safeContact: !contact.safeContact }),
      [200], () => this.showCase(crimeNumber, contact.safeContact
        ? [t('js.officer.safe.off.title'), t('js.officer.safe.off.text', { person })]
        : [t('js.officer.safe.on.title'), t('js.officer.safe.on.text', { person })]))
    this.name(invitation, 'email', `${id}-email`)
    this.name(invitation, 'mobile', `${id}-mobile`)
    // Not for someone registered (a failing channel does not make them unregistered), nor someone who stopped.
    if (!contact.registeredAt && contact.status !== 'registered' && !contact.stoppedAt) {
      invitation.hidden = false
      this.listen(invitation, (form) => {
        const body = {}
        for (const key of ['email', 'mobile']) {
          const value = form.elements.namedItem(key).value.trim()
          if (value) body[key] = value
        }
        return this.api.post(`${contactPath}/invitation`, body)
      }, [201], () => this.showCase(crimeNumber, [t('js.officer.invitation.sent.title'),
        t('js.officer.invitation.sent.text', { person })]))
    } else {
      invitation.remove()
    }
    reply.hidden = false
    this.name(reply, 'text', `${id}-reply`)
    reply.querySelector('[data-tmc-label="text"]').textContent = t('js.officer.reply.label', { person })
    reply.querySelector('[data-tmc-hint="text"]').textContent = replyHint(contact)
    reply.querySelector('[data-tmc-count-message]').id = `${id}-reply-info`
    this.listen(reply, (form) => this.api.post(
      `${casePath(crimeNumber)}/contacts/${encodeURIComponent(contact.id)}/messages`,
      { text: form.elements.namedItem('text').value }
    ), [201, 200], () => this.showCase(crimeNumber, [t('js.officer.reply.sent.title'),
      t(contact.stoppedAt ? 'js.officer.reply.sent.stopped' : 'js.officer.reply.sent.told', { person })]))
    return section
  }

  /** Gives a cloned form's field an id of its own, with its label and hint pointing at it. */
  name(form, field, id) {
    const input = form.querySelector(`[name="${field}"]`)
    input.id = id
    const label = form.querySelector(`[data-tmc-label="${field}"]`)
    if (label) label.setAttribute('for', id)
    const hint = form.querySelector(`[data-tmc-hint="${field}"]`)
    const described = []
    if (hint) {
      hint.id = `${id}-hint`
      described.push(hint.id)
    }
    if (input.classList.contains('govuk-js-character-count')) described.push(`${id}-info`)
    if (described.length) input.setAttribute('aria-describedby', described.join(' '))
  }

  /**
   * Sends a form when submitted (the button disabled meanwhile): send(form)
   * returns the API's answer; a status in ok calls done(); a 400 shows the
   * API's field messages; 403 and 404 say why plainly; anything else is a
   * problem with the service.
   */
  listen(form, send, ok, done) {
    const button = form.querySelector('button[type="submit"]')
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      if (button.disabled) return
      button.disabled = true
      try {
        const { status, body } = await send(form)
        if (status === 401) {
          this.signInToSend(form)
          return
        }
        if (ok.includes(status)) {
          clearErrors(form, this.errors)
          await done(body)
        } else if (status === 400) {
          const people = form.querySelectorAll('[data-tmc-person]').length || 1
          showErrors(form, this.errors, fieldErrors(form, withFieldMessages(body, { people })))
        } else if (status === 409) {
          const fields = body?.fields || {}
          const errors = Object.keys(fields).length
            ? Object.entries(fields).map(([field, message]) => ({ field, message: body.message || message }))
            : problem(body?.message || t('js.officer.already_done'))
          showErrors(form, this.errors, errors.map((e) => (form.querySelector(`[data-field="${e.field}"]`) ? e : { message: e.message })))
        } else if (status === 403) {
          showErrors(form, this.errors, problem(t(READ_ONLY)))
        } else if (status === 404) {
          showErrors(form, this.errors, problem(t('js.officer.case_gone')))
        } else if (status === 429) {
          showErrors(form, this.errors, problem(t('js.officer.too_many')))
        } else {
          showErrors(form, this.errors, problem(t(SERVICE_PROBLEM)))
        }
      } finally {
        if (button.isConnected) button.disabled = false
      }
    })
  }

  /**
   * A form sent after the sign-in ended (the token expired or was refused):
   * nothing was sent; the form keeps what the officer wrote, and the error
   * summary says what to do, with a button to sign in again.
   */
  signInToSend(form) {
    showErrors(form, this.errors, problem(t(NOT_SENT_SIGNED_OUT)))
    const again = el('button', { type: 'button', class: 'govuk-button', 'data-module': 'govuk-button', 'data-tmc-sign-in-again': '' },
      t('js.officer.sign_in.again'))
    again.addEventListener('click', () => this.signIn())
    this.errors.querySelector('.govuk-error-summary__body').append(again)
  }

  showNewCase() {
    if (!this.writer) {
      this.show('not-found', t('js.officer.new_case.cannot'))
      this.view.querySelector('h1').textContent = t('js.officer.new_case.cannot')
      this.view.querySelector('[data-tmc-not-found-text]').textContent = t(READ_ONLY)
      this.view.querySelector('[data-tmc-not-found-text]').nextElementSibling.remove()
      return
    }
    // A copy of the first person as it was served, for "Add another person".
    const blank = this.templates['new-case'].content.querySelector('[data-tmc-person]').cloneNode(true)
    const view = this.show('new-case', t('js.officer.new_case.title'))
    initAll({ scope: view })
    const form = view.querySelector('[data-tmc-new-case-form]')
    const profile = this.auth.profile()
    if (typeof profile.name === 'string') form.elements.namedItem('officer.name').value = profile.name
    if (typeof profile.email === 'string') form.elements.namedItem('officer.email').value = profile.email
    this.addAnother(form, blank)
    this.listen(form, (f) => {
      const value = (name) => f.elements.namedItem(name).value.trim()
      const contacts = [...f.querySelectorAll('[data-tmc-person]')].map((_, i) => {
        const role = f.querySelector(`input[name="contacts[${i}].role"]:checked`)
        const contact = {
          role: role ? role.value : '',
          forename: value(`contacts[${i}].forename`),
          surname: value(`contacts[${i}].surname`),
          dateOfBirth: readDate(f, `contacts[${i}].dateOfBirth`)
        }
        // Either may be left out; with neither, the API says to give one.
        for (const key of ['email', 'mobile']) {
          if (value(`contacts[${i}].${key}`)) contact[key] = value(`contacts[${i}].${key}`)
        }
        if (f.elements.namedItem(`contacts[${i}].enhancedRights`).checked) contact.enhancedRights = true
        if (f.elements.namedItem(`contacts[${i}].safeContact`).checked) contact.safeContact = true
        // The language of their emails and texts: English unless Cymraeg is chosen.
        const language = f.querySelector(`input[name="contacts[${i}].language"]:checked`)
        contact.language = language && language.value === 'cy' ? 'cy' : 'en'
        return contact
      })
      const officer = { name: value('officer.name'), email: value('officer.email') }
      // Optional: left out when empty.
      for (const key of ['collarNumber', 'phone']) if (value(`officer.${key}`)) officer[key] = value(`officer.${key}`)
      return this.api.post('/officer/cases', { crimeNumber: value('crimeNumber'), officer, contacts })
    }, [201], (created) => {
      const people = namesInWords((created.contacts || []).map((c) => [c.forename, c.surname].join(' ')))
      window.history.pushState(null, '', caseHash(created.crimeNumber))
      return this.showCase(created.crimeNumber, [t('js.officer.new_case.recorded.title'),
        t('js.officer.new_case.recorded.text', { people: people || t('js.officer.new_case.each_person') })])
    })
  }

  /**
   * "Add another person" and each person's "Remove" (the add-another pattern):
   * a new person's first field takes focus; after a removal, the heading of
   * the person now in that place (or the one before) does, and a status
   * message says how many people there are. Errors shown are cleared, as
   * their numbers no longer hold.
   */
  addAnother(form, blank) {
    const place = form.querySelector('[data-tmc-people]')
    const add = form.querySelector('[data-tmc-add-person]')
    const full = form.querySelector('[data-tmc-people-full]')
    const status = form.querySelector('[data-tmc-people-status]')
    const people = () => [...place.querySelectorAll('[data-tmc-person]')]
    const number = () => {
      const all = people()
      all.forEach((person, index) => {
        numberPerson(person, index)
        person.querySelector('[data-tmc-person-heading]').textContent = personHeading(index)
        person.querySelector('[data-tmc-remove-whom]').textContent = ` ${personHeading(index).toLowerCase()}`
        person.querySelector('[data-tmc-remove-person]').hidden = all.length === 1
      })
      add.hidden = all.length >= MAX_PEOPLE
      full.hidden = !add.hidden
      return all
    }
    const wire = (person) => {
      person.querySelector('[data-tmc-remove-person]').addEventListener('click', () => {
        const at = people().indexOf(person)
        person.remove()
        clearErrors(form, this.errors)
        const left = number()
        status.textContent = peopleStatus('removed', left.length)
        left[Math.min(at, left.length - 1)].querySelector('[data-tmc-person-heading]').focus()
      })
    }
    wire(people()[0])
    add.addEventListener('click', () => {
      if (people().length >= MAX_PEOPLE) return
      const person = blank.cloneNode(true)
      // Numbered before it joins the form: a radio checked by default (English)
      // in the first person's group would otherwise take that person's choice away.
      numberPerson(person, people().length)
      place.append(person)
      wire(person)
      clearErrors(form, this.errors)
      const all = number()
      status.textContent = peopleStatus('added', all.length)
      person.querySelector('input').focus()
    })
    number()
  }
}

function messageEntry(message, person) {
  const fromContact = message.from !== 'officer'
  const heading = !fromContact
    ? t('js.officer.message.reply_from', { name: message.officerName || t('js.officer.case.an_officer') })
    : t(message.kind === 'update_request' ? 'js.officer.message.asked' : 'js.officer.message.from', { person })
  const status = []
  if (fromContact) {
    if (message.answeredAt) status.push(t('js.officer.message.answered', { date: formatPosted(message.answeredAt) }))
    else if (message.replyDueBy) status.push(t('js.officer.message.reply_due', { date: formatDue(message.replyDueBy) }))
  } else {
    status.push(message.readAt ? t('js.officer.message.read', { date: formatPosted(message.readAt) }) : t('js.officer.message.not_read'))
  }
  const entry = el('li', { class: `tmc-update${fromContact ? ' tmc-update--yours' : ''}` },
    el('h5', { class: 'govuk-heading-s govuk-!-margin-bottom-1' }, heading),
    el('p', { class: 'govuk-body-s tmc-update__meta' }, formatPosted(message.sentAt)))
  if (message.text) entry.append(el('p', { class: 'govuk-body tmc-update__text' }, message.text))
  entry.append(el('ul', { class: 'govuk-list tmc-update__status' }, ...status.map((s) => el('li', {}, s))))
  return entry
}

function inboxRows(items) {
  const now = Date.now()
  return items.map((item) => {
    // An update due is listed from the start of the day it is due (UTC midnight).
    const due = item.reason === 'update_due'
    const what = el('td', { class: 'govuk-table__cell' }, reasonLabel(item.reason))
    if (due && Date.parse(item.waitingSince) + DAY_MS <= now) {
      what.append(' ', el('strong', { class: 'govuk-tag govuk-tag--red' }, t('js.officer.inbox.overdue')))
    }
    const since = due ? t('js.officer.inbox.due_by', { date: formatDue(String(item.waitingSince).slice(0, 10)) }) : formatPosted(item.waitingSince)
    return el('tr', { class: 'govuk-table__row' },
      el('th', { class: 'govuk-table__header', scope: 'row' },
        el('a', { class: 'govuk-link', href: caseHash(item.crimeNumber) }, String(item.crimeNumber))),
      what,
      el('td', { class: 'govuk-table__cell' }, since))
  })
}

function inboxTable(items) {
  return el('table', { class: 'govuk-table' },
    el('caption', { class: 'govuk-table__caption govuk-table__caption--m' }, inboxCaption(items.length, false)),
    el('thead', { class: 'govuk-table__head' }, el('tr', { class: 'govuk-table__row' },
      el('th', { class: 'govuk-table__header', scope: 'col' }, t('js.officer.inbox.column.case')),
      el('th', { class: 'govuk-table__header', scope: 'col' }, t('js.officer.inbox.column.what')),
      el('th', { class: 'govuk-table__header', scope: 'col' }, t('js.officer.inbox.column.since')))),
    el('tbody', { class: 'govuk-table__body' }, ...inboxRows(items)))
}
