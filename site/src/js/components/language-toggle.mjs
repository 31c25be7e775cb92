// The language toggle (English | Cymraeg). Choosing a language is remembered
// in this browser (localStorage: no cookie, nothing sent anywhere), so the
// start page opens in it next time; every other page keeps the language of
// its address, which is what a link in an email or a bookmark asked for.
import { Component } from '../component.mjs'
import { currentLanguage, LANGUAGES } from '../i18n.mjs'

export const STORAGE_KEY = 'tmc-language'
const START_PAGES = { en: ['/', '/index.html'], cy: ['/cy/', '/cy/index.html'] }

export function rememberedLanguage(storage) {
  try {
    const value = storage.getItem(STORAGE_KEY)
    return LANGUAGES.includes(value) ? value : null
  } catch {
    return null // storage refused (private browsing, settings): nothing remembered
  }
}

export class LanguageToggle extends Component {
  static moduleName = 'tmc-language-toggle'

  constructor(root, { storage = globalThis.localStorage, location = globalThis.location } = {}) {
    super(root)
    this.storage = storage
    for (const link of root.querySelectorAll('[data-tmc-language]')) {
      link.addEventListener('click', () => this.remember(link.dataset.tmcLanguage))
    }
    const wanted = rememberedLanguage(storage)
    const here = currentLanguage()
    if (wanted && wanted !== here && location && START_PAGES[here].includes(location.pathname)) {
      location.replace(START_PAGES[wanted][1])
    }
  }

  remember(lang) {
    try {
      this.storage.setItem(STORAGE_KEY, lang)
    } catch {
      // Not remembered; the link still goes to the page in that language.
    }
  }
}
