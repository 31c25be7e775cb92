// Entry point of every page. Starts GOV.UK Frontend's components and the
// page's own code, then marks the page as enhanced, which reveals the forms
// and hides the messages for people without JavaScript.
import { initAll } from '/assets/govuk-frontend.min.js'
import { signOut } from './api.mjs'
import * as casePage from './pages/case.mjs'
import * as forgottenPassword from './pages/forgotten-password.mjs'
import * as register from './pages/register.mjs'
import * as resetPassword from './pages/reset-password.mjs'
import * as signIn from './pages/sign-in.mjs'
import * as signedOut from './pages/signed-out.mjs'

const pages = {
  'sign-in': signIn,
  register,
  case: casePage,
  'forgotten-password': forgottenPassword,
  'reset-password': resetPassword,
  'signed-out': signedOut,
  'timed-out': signedOut
}

// "Leave this site quickly" (button, skip link or Shift three times) hides
// the page and navigates away. End the session too, so going back does not
// show the case. The button and the skip link send the sign-out as they are
// pressed (capture phase: before GOV.UK Frontend starts the navigation), so
// the request leaves while the page is still whole; Shift three times is seen
// by the class GOV.UK Frontend puts on the body as it leaves.
function signOutWhenLeavingQuickly() {
  let sent = false
  const leave = () => {
    if (!sent) {
      sent = true
      signOut({ keepalive: true })
    }
  }
  document.addEventListener('click', (event) => {
    const exit = '.govuk-js-exit-this-page-button, .govuk-js-exit-this-page-skiplink'
    if (event.target instanceof Element && event.target.closest(exit)) leave()
  }, true)
  new MutationObserver(() => {
    if (document.body.classList.contains('govuk-exit-this-page-hide-content')) leave()
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] })
}

function start() {
  // Every form here is sent by script as JSON; a browser's own form
  // submission could only ever produce an error page.
  document.addEventListener('submit', (event) => event.preventDefault())
  // Running as an ES module is GOV.UK Frontend's test of support; its own
  // template sets this class with an inline script, which our CSP forbids.
  // Set in the same task as the handlers below are attached, so no form is
  // shown before it works.
  document.body.classList.add('govuk-frontend-supported')
  initAll()
  signOutWhenLeavingQuickly()
  const page = pages[document.body.dataset.page]
  if (page) page.start()
}

start()
