// Entry point of every page. Installs the words of the page's language,
// starts GOV.UK Frontend's components, then ours (components/: each on the
// elements whose data-module names it), and marks the page as enhanced, which
// reveals the forms and hides the messages for people without JavaScript.
import { initAll } from '/assets/govuk-frontend.min.js'
import { startAll } from './component.mjs'
import { COMPONENTS } from './components/index.mjs'
import { useCatalogue } from './i18n.mjs'
import catalogues from './locale/catalogues.mjs'

function start() {
  const lang = document.documentElement.lang === 'cy' ? 'cy' : 'en'
  useCatalogue(lang, catalogues[lang])
  // Every form here is sent by script as JSON; a browser's own form
  // submission could only ever produce an error page.
  document.addEventListener('submit', (event) => event.preventDefault())
  // Running as an ES module is GOV.UK Frontend's test of support; its own
  // template sets this class with an inline script, which our CSP forbids.
  // Set in the same task as the components below are started, so no form is
  // shown before it works.
  document.body.classList.add('govuk-frontend-supported')
  initAll()
  startAll(COMPONENTS)
}

start()
