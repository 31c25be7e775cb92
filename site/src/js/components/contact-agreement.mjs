// The contact agreement (PUT /victim/contact-agreement), on two pages:
//
//   how-we-contact-you.html  data-saved="contact-agreement": how we tell them
//                            about updates (only the channels they have an
//                            address for), quiet hours for texts (only if we
//                            can text them), language, safety phrase
//   discreet-messages.html   data-saved="safe-contact": discreet messages
//                            (safe contact) on or off
//
// The API replaces the agreement whole, so each page reads the account first
// (GET /victim/account), shows its own fields filled in from it, and sends
// those with the rest of the agreement as it was. Saved, the page goes back
// to "Your account" (?saved=...), which says so.
import { get, put } from '../api.mjs'
import { Component, ComponentError } from '../component.mjs'
import { el, fieldErrors, handleSubmit, serviceProblem, showErrors } from '../forms.mjs'
import { pagePath } from '../i18n.mjs'
import { SIGNED_OUT_PAGE } from './account-form.mjs'
import { WORDS, canText, joinQuietHours, quietHourChoices, splitQuietHours } from './account-words.mjs'

/** Quiet hours offered until the person chooses their own. */
export const DEFAULT_QUIET_HOURS = { from: '21:00', to: '08:00' }

/** The agreement as the API holds it now, from the account: what a page does not show is sent as it was. */
export function currentAgreement(account) {
  const agreement = {
    channels: account.channels,
    quietHours: account.quietHours || 'none',
    language: account.language || 'en',
    safeContact: Boolean(account.safeContact)
  }
  if (account.phrase) agreement.phrase = account.phrase
  return agreement
}

/**
 * The body to send: the current agreement with what the page's fields say.
 * `fields` holds only what the page shows: channels, quietHoursWanted
 * ("yes"/"no"), quietFrom, quietTo, phrase, safeContact ("true"/"false"),
 * language ("en"/"cy").
 */
export function agreementBody(account, fields) {
  const body = currentAgreement(account)
  if ('channels' in fields) body.channels = fields.channels
  if ('quietHoursWanted' in fields) {
    body.quietHours = joinQuietHours(fields.quietHoursWanted === 'yes', fields.quietFrom, fields.quietTo)
  }
  if ('phrase' in fields) {
    const phrase = String(fields.phrase || '').trim()
    if (phrase) body.phrase = phrase
    else delete body.phrase
  }
  if ('safeContact' in fields) body.safeContact = fields.safeContact === 'true'
  if (fields.language) body.language = fields.language
  return body
}

/** The ?saved= word for "Your account" after this page saved body. */
export function savedWord(page, body) {
  if (page === 'safe-contact') return body.safeContact ? 'safe-contact-on' : 'safe-contact-off'
  return page
}

export class ContactAgreement extends Component {
  static moduleName = 'tmc-contact-agreement'

  constructor(root) {
    super(root)
    this.saved = this.setting('saved')
    if (!['contact-agreement', 'safe-contact'].includes(this.saved)) {
      throw new ComponentError(this.constructor, `data-saved is "${this.saved}", not "contact-agreement" or "safe-contact"`)
    }
    this.errors = this.required('[data-tmc-errors]', 'the place for the error summary (`[data-tmc-errors]`)')
    this.loading = this.required('[data-tmc-loading]', 'the loading message (`[data-tmc-loading]`)')
    this.form = this.required('form[data-tmc-agreement]', 'the form (`form[data-tmc-agreement]`)')
    this.required('button[type="submit"]', 'the form\'s Save button (`button[type="submit"]`)')
    this.group = (field) => this.form.querySelector(`[data-field="${field}"]`)
    if (this.group('channels')) {
      this.choices = this.required('[data-tmc-choices]', 'the channel choices (`[data-tmc-choices]`)')
      this.onlyChannel = this.required('[data-tmc-only-channel]', 'the words for a single channel (`[data-tmc-only-channel]`)')
    }
    for (const select of this.form.querySelectorAll('select[data-tmc-times]')) {
      select.replaceChildren(...quietHourChoices().map(([value, words]) => el('option', { value }, words)))
    }
    this.account = null
    handleSubmit(this.form, {
      body: () => agreementBody(this.account, this.fields()),
      send: (body) => put('/victim/contact-agreement', body).then((answer) => ({ ...answer, sent: body })),
      onAnswer: (answer) => this.onAnswer(answer)
    })
    /** Settles when the form is shown, filled in (or the account could not be read). */
    this.ready = this.load()
  }

  async load() {
    const { status, body } = await get('/victim/account')
    if (status === 401) {
      window.location.replace(pagePath('/sign-in.html'))
      return false
    }
    this.loading.hidden = true
    if (status !== 200 || !body) {
      showErrors(null, this.errors, serviceProblem())
      return false
    }
    this.fill(body)
    this.form.hidden = false
    return true
  }

  radios(name) {
    return [...this.form.querySelectorAll(`input[type="radio"][name="${name}"]`)]
  }

  check(name, value) {
    for (const radio of this.radios(name)) radio.checked = radio.value === value
  }

  checked(name) {
    const radio = this.radios(name).find((r) => r.checked && !r.closest('[hidden]'))
    return radio ? radio.value : ''
  }

  /** The page's fields as they are now (only those the page shows). */
  fields() {
    const values = {}
    if (this.group('channels')) values.channels = this.onlyChannel.hidden ? this.checked('channels') : this.account.channels
    if (this.group('quietHours') && !this.group('quietHours').hidden) {
      values.quietHoursWanted = this.checked('quietHoursWanted')
      values.quietFrom = this.form.elements.namedItem('quietFrom').value
      values.quietTo = this.form.elements.namedItem('quietTo').value
    }
    if (this.group('phrase')) values.phrase = this.form.elements.namedItem('phrase').value
    if (this.group('safeContact')) values.safeContact = this.checked('safeContact')
    if (this.group('language')) values.language = this.checked('language')
    return values
  }

  fill(account) {
    this.account = account
    if (this.group('channels')) this.fillChannels(account)
    const quiet = this.group('quietHours')
    if (quiet) {
      // Quiet hours hold texts only: without a mobile number there is nothing to hold.
      quiet.hidden = !canText(account)
      const hours = splitQuietHours(account.quietHours)
      this.check('quietHoursWanted', hours ? 'yes' : 'no')
      const shown = hours || DEFAULT_QUIET_HOURS
      this.form.elements.namedItem('quietFrom').value = shown.from
      this.form.elements.namedItem('quietTo').value = shown.to
      this.syncQuietHours()
      for (const radio of this.radios('quietHoursWanted')) radio.addEventListener('change', () => this.syncQuietHours())
    }
    if (this.group('language')) this.check('language', account.language || 'en')
    if (this.group('phrase')) this.form.elements.namedItem('phrase').value = account.phrase || ''
    if (this.group('safeContact')) this.check('safeContact', account.safeContact ? 'true' : 'false')
  }

  fillChannels(account) {
    const available = Array.isArray(account.availableChannels) ? account.availableChannels : []
    for (const item of this.choices.querySelectorAll('[data-tmc-choice]')) {
      item.hidden = !available.includes(item.dataset.tmcChoice)
    }
    // One way to reach them is no choice at all: say so, and how to add the other.
    const single = available.length <= 1
    this.choices.hidden = single
    this.onlyChannel.hidden = !single
    if (single) {
      const textOnly = available[0] === 'text'
      this.onlyChannel.querySelector('[data-tmc-only-channel-text]').textContent = textOnly ? WORDS.onlyText : WORDS.onlyEmail
      const add = this.onlyChannel.querySelector('[data-tmc-add-address]')
      add.textContent = textOnly ? WORDS.addEmail : WORDS.addMobile
      add.setAttribute('href', pagePath(textOnly ? '/change-email.html' : '/change-mobile.html'))
    } else {
      this.check('channels', account.channels)
    }
  }

  /**
   * Shows the times only while "Yes" is chosen. Not GOV.UK Frontend's own
   * conditional reveal (data-aria-controls): it sets aria-expanded on the
   * radio, which ARIA does not allow there (axe: aria-allowed-attr). The
   * times follow the radio, so they are next in reading and tab order.
   */
  syncQuietHours() {
    const yes = this.radios('quietHoursWanted').find((r) => r.value === 'yes')
    const panel = this.form.querySelector('#conditional-quiet-hours')
    if (!yes || !panel) return
    panel.classList.toggle('govuk-radios__conditional--hidden', !yes.checked)
  }

  onAnswer({ status, body, sent }) {
    if (status === 200) {
      window.location.assign(`${pagePath('/account.html')}?saved=${savedWord(this.saved, sent)}`)
    } else if (status === 401) {
      window.location.replace(pagePath(SIGNED_OUT_PAGE))
    } else {
      showErrors(this.form, this.errors, status === 400 ? fieldErrors(this.form, body) : serviceProblem())
    }
  }
}
