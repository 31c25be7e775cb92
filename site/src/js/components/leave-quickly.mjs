// "Leave this site quickly" (GOV.UK Frontend's Exit this page: a button, a
// skip link, or Shift three times) hides the page and navigates away. This
// component ends the session too, so going back does not show the case.
// Its root is the page's <body>, which holds the button and the skip link.
//
// The button and the skip link send the sign-out as they are pressed (in the
// capture phase, on the document: before GOV.UK Frontend starts the
// navigation), so the request leaves while the page is still whole; Shift
// three times is seen by the class GOV.UK Frontend puts on the body as it
// leaves. Either way the sign-out is sent once.
import { signOut } from '../api.mjs'
import { Component } from '../component.mjs'

export const HIDE_CONTENT = 'govuk-exit-this-page-hide-content'

export class LeaveQuickly extends Component {
  static moduleName = 'tmc-leave-quickly'

  constructor(root) {
    super(root)
    this.button = this.required('.govuk-js-exit-this-page-button',
      'the "Leave this site quickly" button (`.govuk-js-exit-this-page-button`)')
    this.skipLink = this.required('.govuk-js-exit-this-page-skiplink',
      'the "Leave this site quickly" skip link (`.govuk-js-exit-this-page-skiplink`)')
    this.sent = false
    document.addEventListener('click', (event) => {
      if (this.isExit(event.target)) this.leave()
    }, true)
    new MutationObserver(() => {
      if (this.root.classList.contains(HIDE_CONTENT)) this.leave()
    }).observe(this.root, { attributes: true, attributeFilter: ['class'] })
  }

  /** Whether target is (inside) the button or the skip link. */
  isExit(target) {
    return Boolean(target) && (this.button.contains(target) || this.skipLink.contains(target))
  }

  leave() {
    if (this.sent) return
    this.sent = true
    signOut({ keepalive: true })
  }
}
