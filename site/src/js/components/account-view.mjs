// "Your account": reads the signed-in person's account (GET /victim/account)
// and shows it as GOV.UK summary cards: their email address and mobile number
// (each with Change, or Add when there is none), the contact agreement (how we
// tell them about updates, quiet hours for texts, language, safety phrase),
// discreet messages, and a change of address waiting for its code. A page
// that saved a change comes back here with ?saved=WHAT, which is said in a
// success banner (and then taken out of the address, so a reload does not
// say it again).
import { get } from '../api.mjs'
import { Component } from '../component.mjs'
import { el, serviceProblem, showErrors, showSuccess } from '../forms.mjs'
import { pagePath, t } from '../i18n.mjs'
import {
  WORDS, canText, channelWords, languageWords, mobileWords, quietHoursWords
} from './account-words.mjs'

/** The page to change each address, and the page to enter the code for a change by that channel. */
export const CHANGE_PAGES = { email: '/change-email.html', mobile: '/change-mobile.html', text: '/change-mobile.html' }

/** The success banner for ?saved=WHAT, or null for anything else. */
export function savedBanner(search) {
  const what = new URLSearchParams(String(search || '')).get('saved')
  if (!what || !Object.hasOwn(WORDS.saved, what)) return null
  return { heading: WORDS.saved[what], lines: WORDS.savedLines[what] ? [WORDS.savedLines[what]] : [] }
}

/** What each field of the account shows, in words. */
export function accountRows(account) {
  return {
    email: account.email || WORDS.notGiven,
    mobile: account.mobile ? mobileWords(account.mobile) : WORDS.notGiven,
    channels: channelWords(account.channels),
    quietHours: quietHoursWords(account.quietHours),
    language: languageWords(account.language),
    phrase: account.phrase || WORDS.noPhrase,
    safeContact: account.safeContact ? WORDS.safeOn : WORDS.safeOff
  }
}

export class AccountView extends Component {
  static moduleName = 'tmc-account'

  constructor(root) {
    super(root)
    const part = (selector, what) => this.required(selector, `${what} (\`${selector}\`)`)
    this.errors = part('[data-tmc-errors]', 'the place for the error summary')
    this.banner = part('[data-tmc-banner]', 'the place for the success banner')
    this.loading = part('[data-tmc-loading]', 'the loading message')
    this.details = part('[data-tmc-account]', 'the account')
    this.fields = {}
    for (const name of ['email', 'mobile', 'channels', 'quietHours', 'language', 'phrase', 'safeContact']) {
      this.fields[name] = part(`[data-tmc-field="${name}"]`, `the ${name} row's value`)
    }
    this.actions = {
      email: part('[data-tmc-action="email"] [data-tmc-action-word]', 'the email address row\'s action'),
      mobile: part('[data-tmc-action="mobile"] [data-tmc-action-word]', 'the mobile number row\'s action')
    }
    this.quietRow = part('[data-tmc-quiet-row]', 'the quiet hours row')
    this.pending = part('[data-tmc-pending]', 'the notice of a change waiting for its code')
    this.pendingText = part('[data-tmc-pending-text]', 'the words of that notice')
    this.pendingLink = part('[data-tmc-pending-link]', 'the link of that notice')
    /** Settles when the account has been shown (or could not be read). */
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
    this.render(body)
    this.sayWhatWasSaved()
    return true
  }

  render(account) {
    const rows = accountRows(account)
    for (const [name, text] of Object.entries(rows)) this.fields[name].textContent = text
    this.actions.email.textContent = account.email ? WORDS.change : WORDS.add
    this.actions.mobile.textContent = account.mobile ? WORDS.change : WORDS.add
    this.quietRow.hidden = !canText(account)
    const pending = account.pendingChange
    const channel = pending && (pending.channel === 'email' || pending.channel === 'text') ? pending.channel : null
    this.pending.hidden = !channel
    if (channel) {
      this.pendingText.textContent = WORDS.pendingChange[channel]
      this.pendingLink.textContent = WORDS.enterCode
      this.pendingLink.setAttribute('href', `${pagePath(CHANGE_PAGES[channel])}#code`)
    }
    this.details.hidden = false
  }

  sayWhatWasSaved() {
    const banner = savedBanner(window.location.search)
    if (!banner) return
    const back = el('a', { class: 'govuk-notification-banner__link', href: pagePath('/case.html') }, t('js.account.go_to_case'))
    showSuccess(this.banner, banner.heading, ...banner.lines)
    this.banner.querySelector('.govuk-notification-banner__content').append(el('p', { class: 'govuk-body' }, back))
    window.history.replaceState(null, '', window.location.pathname)
  }
}
