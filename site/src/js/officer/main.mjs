// Entry point of the officer console's pages: GOV.UK Frontend's components,
// then the console (on /officer/index.html only). The console is in English;
// the modules it shares with the victim site (forms, the conversation) take
// their words from the English catalogue.
import { initAll } from '/assets/govuk-frontend.min.js'
import { startAll } from '../component.mjs'
import { useCatalogue } from '../i18n.mjs'
import catalogues from '../locale/catalogues.mjs'
import { OfficerConsole } from './console.mjs'

useCatalogue('en', catalogues.en)

document.addEventListener('submit', (event) => event.preventDefault())
document.body.classList.add('govuk-frontend-supported')
initAll()
startAll([OfficerConsole])
