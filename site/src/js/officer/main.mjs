// Entry point of the officer console's pages (/officer/... in English,
// /cy/officer/... in Welsh): the words of the page's language, GOV.UK
// Frontend's components, the language toggle, then the console (on the
// console's index page only).
//
// The identity provider returns only to the English pages (the addresses the
// force registered): an officer whose remembered language is Welsh is sent
// on from there to the Welsh page, before anything else runs, with the
// sign-in answer in the address for the Welsh page to complete.
import { initAll } from '/assets/govuk-frontend.min.js'
import { startAll } from '../component.mjs'
import { LanguageToggle, rememberedLanguage } from '../components/language-toggle.mjs'
import { useCatalogue } from '../i18n.mjs'
import catalogues from '../locale/catalogues.mjs'
import { OfficerConsole } from './console.mjs'
import { welshPageFor } from './sign-in-settings.mjs'

function storage() {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

function start() {
  const lang = document.documentElement.lang === 'cy' ? 'cy' : 'en'
  const welsh = lang === 'en' ? welshPageFor(window.location, rememberedLanguage(storage())) : null
  if (welsh) {
    window.location.replace(welsh)
    return
  }
  useCatalogue(lang, catalogues[lang])
  document.addEventListener('submit', (event) => event.preventDefault())
  document.body.classList.add('govuk-frontend-supported')
  initAll()
  startAll([LanguageToggle, OfficerConsole])
}

start()
