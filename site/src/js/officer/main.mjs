// Entry point of the officer console's pages: GOV.UK Frontend's components,
// then the console (on /officer/index.html only).
import { initAll } from '/assets/govuk-frontend.min.js'
import { startAll } from '../component.mjs'
import { OfficerConsole } from './console.mjs'

document.addEventListener('submit', (event) => event.preventDefault())
document.body.classList.add('govuk-frontend-supported')
initAll()
startAll([OfficerConsole])
