// The words the site's scripts show, in the page's language (<html lang>):
// English or Welsh, from the message catalogues (site/locale/<lang>/js*.po),
// which the build turns into /js/locale/catalogues.mjs and main.mjs installs
// with useCatalogue before any component starts. Components call t() when
// they show something, never at import.
//
//   t('js.sign_in.failed')                   a message
//   t('js.update.posted', { date })          its {date} placeholder filled
//   tn('js.tries_left', 2)                   the plural form for 2 ({count} filled)
//   formatDate(date, { month: 'long' })      a date the language's way ("29 Tachwedd 2026")
//   pagePath('/case.html')                   the page in this language ("/cy/case.html")

export const LANGUAGES = ['en', 'cy']
// gettext's plural forms, in order, as CLDR names them (Intl.PluralRules).
const PLURAL_ORDER = { en: ['one', 'other'], cy: ['zero', 'one', 'two', 'few', 'many', 'other'] }
const DATE_LOCALE = { en: 'en-GB', cy: 'cy' }

let language = 'en'
let messages = {}

/** Installs a language's messages ({ key: text | [plural forms] }). */
export function useCatalogue(lang, table) {
  language = LANGUAGES.includes(lang) ? lang : 'en'
  messages = table || {}
}

/** The page's language: "en" or "cy". */
export function currentLanguage() {
  return language
}

function fill(text, params) {
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole)
}

function lookup(key) {
  const text = messages[key]
  if (text === undefined) {
    // A missing key is a bug the catalogue tests catch; a person sees the key
    // rather than a blank, and the console says which.
    console.error(`i18n: no message ${key} in ${language}`)
    return key
  }
  return text
}

export function t(key, params = {}) {
  const text = lookup(key)
  return fill(Array.isArray(text) ? text[text.length - 1] : text, params)
}

export function tn(key, count, params = {}) {
  const forms = lookup(key)
  if (!Array.isArray(forms)) return fill(forms, { count, ...params })
  const category = new Intl.PluralRules(DATE_LOCALE[language]).select(count)
  const at = PLURAL_ORDER[language].indexOf(category)
  return fill(forms[at > -1 && at < forms.length ? at : forms.length - 1], { count, ...params })
}

/** An Intl.DateTimeFormat for this language (`options` as Intl takes them). */
export function dateFormat(options) {
  return new Intl.DateTimeFormat(DATE_LOCALE[language], options)
}

export function formatDate(date, options) {
  return dateFormat(options).format(date)
}

/** A page of this site in this language: '/case.html' -> '/cy/case.html' in Welsh. */
export function pagePath(path) {
  if (language === 'en' || !path.startsWith('/') || path.startsWith('/cy/')) return path
  return `/cy${path === '/' ? '/' : path}`
}
