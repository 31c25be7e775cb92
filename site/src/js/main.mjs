// Entry point of every page. Marks the page as able to run the enhanced
// version (which reveals forms and hides the "no JavaScript" messages),
// starts GOV.UK Frontend's components, then the page's own code.
import { initAll } from '/assets/govuk-frontend.min.js'
import { signOut } from './api.mjs'

const pages = {
  'sign-in': () => import('./pages/sign-in.mjs'),
  register: () => import('./pages/register.mjs'),
  case: () => import('./pages/case.mjs'),
  'forgotten-password': () => import('./pages/forgotten-password.mjs'),
  'reset-password': () => import('./pages/reset-password.mjs'),
  'signed-out': () => import('./pages/signed-out.mjs'),
  'timed-out': () => import('./pages/signed-out.mjs')
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

async function start() {
  // Running as an ES module is GOV.UK Frontend's test of support; its own
  // template sets this class with an inline script, which our CSP forbids.
  document.body.classList.add('govuk-frontend-supported')
  initAll()
  signOutWhenLeavingQuickly()
  const load = pages[document.body.dataset.page]
  if (load) (await load()).start()
}

start()
