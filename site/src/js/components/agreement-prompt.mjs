// On the case page, until the person has chosen how we contact them: a
// GOV.UK notification banner that asks them to ("How we contact you"). It
// reads the account once (GET /victim/account) and stays hidden unless the
// API says no choice has been made yet; reading the case is CaseView's job,
// so a failure here shows nothing rather than a second error.
import { get } from '../api.mjs'
import { Component } from '../component.mjs'
import { needsAgreement } from './account-words.mjs'

export class AgreementPrompt extends Component {
  static moduleName = 'tmc-agreement-prompt'

  constructor(root) {
    super(root)
    // (Its address is the page's language's: /how-we-contact-you.html or /cy/...)
    this.required('a[data-tmc-agreement-link]', 'the link to "How we contact you"')
    root.hidden = true
    /** Settles with whether the prompt is shown. */
    this.ready = this.load()
  }

  async load() {
    const { status, body } = await get('/victim/account')
    this.root.hidden = !(status === 200 && needsAgreement(body))
    return !this.root.hidden
  }
}
