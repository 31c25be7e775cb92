// Change (or add) the email address or mobile number, in two steps: the new
// address (POST /victim/account/email or /mobile; a code goes to it, 202),
// then the code (POST /victim/account/confirm). Only then does it change, and
// "Your account" says so (?saved=email or mobile). Set on the root:
//
//   change-email.html   data-change="email"
//   change-mobile.html  data-change="mobile"
//
// Opened as PAGE#code while a change by this channel waits for its code
// (the link on "Your account"), the page starts at the code.
import { get, post } from '../api.mjs'
import { Component, ComponentError } from '../component.mjs'
import {
  clearErrors, fieldErrors, handleSubmit, readFields, serviceProblem, setTitle, showErrors, showState
} from '../forms.mjs'
import { pagePath, t } from '../i18n.mjs'
import { SIGNED_OUT_PAGE } from './account-form.mjs'
import { mobileWords } from './account-words.mjs'

/** Each page's words, the API path its address goes to, and the channel its code comes by. */
export const CHANGES = {
  email: {
    path: '/victim/account/email',
    channel: 'email',
    get add() { return t('js.account.add_email') },
    current: (address) => t('js.change.email.current', { address }),
    sentTo: (address) => t('js.change.email.sent_to', { address }),
    get sentToPending() { return t('js.change.email.sent_pending') }
  },
  mobile: {
    path: '/victim/account/mobile',
    channel: 'text',
    get add() { return t('js.account.add_mobile') },
    current: (address) => t('js.change.mobile.current', { address: mobileWords(address) }),
    sentTo: (address) => t('js.change.mobile.sent_to', { address }),
    get sentToPending() { return t('js.change.mobile.sent_pending') }
  }
}

/** The error summary's words for a 429: the API's message, else ours. */
export function tooManyChanges(body, phone) {
  const said = body && typeof body.message === 'string' && body.message.trim()
  return said || t('js.change.too_many', { phone: phone || '101' })
}

export class ContactChange extends Component {
  static moduleName = 'tmc-contact-change'

  constructor(root) {
    super(root)
    this.kind = this.setting('change')
    this.words = CHANGES[this.kind]
    if (!this.words) throw new ComponentError(this.constructor, `data-change is "${this.kind}", not "email" or "mobile"`)
    const part = (selector, what) => this.required(selector, `${what} (\`${selector}\`)`)
    this.errors = part('[data-tmc-errors]', 'the place for the error summary')
    part('[data-tmc-state="form"]', 'the "form" part')
    part('[data-tmc-state="code"]', 'the "code" part')
    this.heading = part('[data-tmc-heading]', 'the heading of the first step')
    this.current = part('[data-tmc-current]', 'the place for the current address')
    this.noticeOld = part('[data-tmc-notice-old]', 'the words about a notice to the current address')
    this.addressForm = part('form[data-tmc-address-form]', 'the form for the new address')
    this.codeForm = part('form[data-tmc-code-form]', 'the form for the code')
    this.sentTo = part('[data-tmc-sent-to]', 'the place for where the code went')
    this.address = ''
    handleSubmit(this.addressForm, {
      body: (form) => readFields(form),
      send: (body) => post(this.words.path, body),
      onAnswer: (answer) => this.onAddressAnswer(answer)
    })
    handleSubmit(this.codeForm, {
      body: (form) => ({ code: readFields(form).code.replace(/\s+/g, '') }),
      send: (body) => post('/victim/account/confirm', body),
      onAnswer: (answer) => this.onCodeAnswer(answer)
    })
    /** Settles when the page shows where the person is (or the account could not be read). */
    this.ready = this.load()
  }

  async load() {
    const { status, body } = await get('/victim/account')
    if (status === 401) {
      window.location.replace(pagePath('/sign-in.html'))
      return false
    }
    if (status !== 200 || !body) {
      showErrors(null, this.errors, serviceProblem())
      return false
    }
    const address = body[this.kind]
    this.current.hidden = !address
    this.noticeOld.hidden = !address
    if (address) {
      this.current.textContent = this.words.current(address)
    } else {
      this.heading.textContent = this.words.add
      setTitle(this.words.add)
      this.root.querySelector('[data-tmc-state="form"]').dataset.title = this.words.add
    }
    const waiting = body.pendingChange && body.pendingChange.channel === this.words.channel
    if (waiting && window.location.hash === '#code') {
      this.sentTo.textContent = this.words.sentToPending
      showState(this.root, 'code')
    }
    return true
  }

  signedOut(status) {
    if (status !== 401) return false
    window.location.replace(pagePath(SIGNED_OUT_PAGE))
    return true
  }

  onAddressAnswer({ status, body }) {
    if (this.signedOut(status)) return
    if (status === 202) {
      this.address = readFields(this.addressForm)[this.kind].trim()
      clearErrors(this.addressForm, this.errors)
      this.sentTo.textContent = this.words.sentTo(this.address)
      this.codeForm.reset()
      showState(this.root, 'code')
      return
    }
    const errors = status === 400
      ? fieldErrors(this.addressForm, body)
      : status === 429 ? [{ message: tooManyChanges(body, document.body.dataset.phone) }] : serviceProblem()
    showErrors(this.addressForm, this.errors, errors)
  }

  onCodeAnswer({ status, body }) {
    if (this.signedOut(status)) return
    if (status === 200) {
      window.location.assign(`${pagePath('/account.html')}?saved=${this.kind}`)
      return
    }
    showErrors(this.codeForm, this.errors, status === 400 ? fieldErrors(this.codeForm, body) : serviceProblem())
  }
}
