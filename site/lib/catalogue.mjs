// The site's message catalogues (locale/<lang>/<domain>.po, gettext's format,
// the same as chalicelib's): read with gettext-parser at build time, merged
// into one table per language, { key: text } or { key: [plural forms] }.
// Keys are unique across domains; tools/catalogues.py checks that each
// language has every key the other has, with the same placeholders.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import gettextParser from 'gettext-parser'

export const LANGUAGES = ['en', 'cy']
export const LOCALE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'locale')

/** { domain: { key: text | [forms] } } of one language's catalogues. */
export function loadDomains(lang, dir = LOCALE_DIR) {
  const domains = {}
  const folder = path.join(dir, lang)
  for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.po')).sort()) {
    const parsed = gettextParser.po.parse(fs.readFileSync(path.join(folder, file)))
    const table = {}
    for (const context of Object.values(parsed.translations)) {
      for (const [key, entry] of Object.entries(context)) {
        if (!key) continue // the header
        table[key] = entry.msgid_plural ? entry.msgstr : entry.msgstr[0]
      }
    }
    domains[file.replace(/\.po$/, '')] = table
  }
  return domains
}

/** One language's messages, every domain merged; a key in two domains is an error. */
export function loadCatalogue(lang, dir = LOCALE_DIR) {
  const merged = {}
  for (const [domain, table] of Object.entries(loadDomains(lang, dir))) {
    for (const [key, text] of Object.entries(table)) {
      if (key in merged) throw new Error(`${lang}: message ${key} is in two catalogues (${domain})`)
      merged[key] = text
    }
  }
  return merged
}

/** The messages of the domains whose names start with `prefix` (the JavaScript's: "js"). */
export function pick(lang, prefix, dir = LOCALE_DIR) {
  const out = {}
  for (const [domain, table] of Object.entries(loadDomains(lang, dir))) {
    if (domain === prefix || domain.startsWith(`${prefix}-`)) Object.assign(out, table)
  }
  return out
}

/**
 * A template with its {{t:key}}s replaced by their messages, as they are (a
 * message may hold markup, and {{name}} placeholders the caller fills next);
 * a plural message gives its last form. `missing(key)` is called for a key
 * the table lacks (the build fails, a test throws).
 */
export function translate(text, messages, missing) {
  return text.replace(/\{\{t:([a-z0-9_.-]+)\}\}/g, (whole, key) => {
    const message = messages[key]
    if (message === undefined) return missing(key) ?? whole
    return Array.isArray(message) ? message[message.length - 1] : message
  })
}
