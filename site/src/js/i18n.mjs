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
  const at = pluralIndex(language, count)
  return fill(forms[at < forms.length ? at : forms.length - 1], { count, ...params })
}

// Browsers need not carry Welsh's date words or plural rules (Debian's
// Chromium has neither: "cy" falls back to American English), so Welsh
// plurals follow gettext's rule here, and Welsh month and day names come
// from the catalogue (js.date.month.1..12, js.date.weekday.0..6).
const WELSH_INTL = typeof Intl.DateTimeFormat.supportedLocalesOf === 'function' &&
  Intl.DateTimeFormat.supportedLocalesOf(['cy']).length > 0 &&
  new Intl.DateTimeFormat('cy', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 10, 1))) === 'Tachwedd'

/** The plural form's index for count, as gettext's Plural-Forms say. */
export function pluralIndex(lang, count) {
  const n = Math.abs(Number(count))
  if (lang === 'cy') return n === 0 ? 0 : n === 1 ? 1 : n === 2 ? 2 : n === 3 ? 3 : n === 6 ? 4 : 5
  return n === 1 ? 0 : 1
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/**
 * A date formatter for this language (`options` as Intl.DateTimeFormat takes
 * them): Intl's own, or for Welsh without Intl's Welsh, British English's
 * order with the catalogue's Welsh names ("Dydd Llun 7 Rhagfyr 2026").
 */
export function dateFormat(options) {
  if (language === 'en' || WELSH_INTL) return new Intl.DateTimeFormat(DATE_LOCALE[language], options)
  const british = new Intl.DateTimeFormat('en-GB', options)
  const zone = options && options.timeZone
  const numbers = new Intl.DateTimeFormat('en-GB', { timeZone: zone, month: 'numeric', weekday: 'short' })
  const formatToParts = (date) => {
    const known = Object.fromEntries(numbers.formatToParts(date).map((part) => [part.type, part.value]))
    return british.formatToParts(date).map((part) => {
      if (part.type === 'month' && options.month === 'long') return { ...part, value: t(`js.date.month.${Number(known.month)}`) }
      if (part.type === 'weekday' && options.weekday === 'long') {
        return { ...part, value: t(`js.date.weekday.${WEEKDAYS.indexOf(known.weekday)}`) }
      }
      return part
    })
  }
  return { formatToParts, format: (date) => formatToParts(date).map((part) => part.value).join('') }
}

export function formatDate(date, options) {
  return dateFormat(options).format(date)
}

/** A page of this site in this language: '/case.html' -> '/cy/case.html' in Welsh. */
export function pagePath(path) {
  if (language === 'en' || !path.startsWith('/') || path.startsWith('/cy/')) return path
  return `/cy${path === '/' ? '/' : path}`
}
