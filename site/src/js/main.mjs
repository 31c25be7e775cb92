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
// the page and navigates away; GOV.UK Frontend marks the body when it does.
// End the session too, so going back does not show the case.
function signOutWhenLeavingQuickly() {
  let sent = false
  new MutationObserver(() => {
    if (!sent && document.body.classList.contains('govuk-exit-this-page-hide-content')) {
      sent = true
      signOut({ keepalive: true })
    }
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
