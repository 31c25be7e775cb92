import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { pick } from '../../lib/catalogue.mjs'
import { currentLanguage, formatDate, pagePath, t, tn, useCatalogue } from './i18n.mjs'

// register.mjs installs the English words; these tests change language, then put English back.
after(() => useCatalogue('en', pick('en', 'js')))

const TABLE = {
  'x.hello': 'Hello {name}, {name}',
  'x.apples': ['{count} afal (dim)', '{count} afal (un)', '{count} afal (dau)', '{count} afal (tri)', '{count} afal (chwech)', '{count} afal (arall)']
}

describe('i18n', () => {
  it('gives a message with its placeholders filled, leaving unknown ones as they are', () => {
    useCatalogue('en', { 'x.hello': 'Hello {name}, {who}' })
    assert.equal(t('x.hello', { name: 'Sam' }), 'Hello Sam, {who}')
    assert.equal(currentLanguage(), 'en')
  })

  it('shows the key of a missing message, and says so on the console', () => {
    useCatalogue('en', {})
    const said = []
    const error = console.error
    console.error = (text) => said.push(text)
    try {
      assert.equal(t('x.missing'), 'x.missing')
      assert.equal(tn('x.missing', 2), 'x.missing')
    } finally {
      console.error = error
    }
    assert.deepEqual(said, ['i18n: no message x.missing in en', 'i18n: no message x.missing in en'])
  })

  it("chooses Welsh's six plural forms: 0, 1, 2, 3, 6 and the rest", () => {
    useCatalogue('cy', TABLE)
    assert.equal(currentLanguage(), 'cy')
    assert.deepEqual([0, 1, 2, 3, 6, 7, 4, 100].map((n) => tn('x.apples', n)), [
      '0 afal (dim)', '1 afal (un)', '2 afal (dau)', '3 afal (tri)', '6 afal (chwech)', '7 afal (arall)',
      '4 afal (arall)', '100 afal (arall)'])
  })

  it("chooses English's two, and fills {count} and other placeholders", () => {
    useCatalogue('en', { 'x.n': ['{count} {thing}', '{count} {thing}s'] })
    assert.deepEqual([0, 1, 2].map((n) => tn('x.n', n, { thing: 'update' })), ['0 updates', '1 update', '2 updates'])
  })

  it("installs the site's Welsh catalogue, with six forms for every plural message", () => {
    const cy = pick('cy', 'js')
    useCatalogue('cy', cy)
    for (const [key, text] of Object.entries(cy)) if (Array.isArray(text)) assert.equal(text.length, 6, key)
    assert.equal(tn('js.idle.minutes', 2), '2 funud')
    assert.equal(t('js.error.title'), 'Mae problem wedi codi')
  })

  it('gives a page in the page’s language', () => {
    useCatalogue('en', {})
    assert.equal(pagePath('/case.html'), '/case.html')
    useCatalogue('cy', {})
    assert.equal(pagePath('/case.html'), '/cy/case.html')
    assert.equal(pagePath('/'), '/cy/')
    assert.equal(pagePath('/cy/case.html'), '/cy/case.html')
    assert.equal(pagePath('https://example.org/x.html'), 'https://example.org/x.html')
  })

  it('writes dates the language’s way: Tachwedd in Welsh, November in English', () => {
    const date = new Date(Date.UTC(2026, 10, 29, 12))
    const options = { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }
    useCatalogue('cy', {})
    assert.equal(formatDate(date, options), '29 Tachwedd 2026')
    useCatalogue('en', {})
    assert.equal(formatDate(date, options), '29 November 2026')
  })

  it('takes an unknown language as English', () => {
    useCatalogue('fr', {})
    assert.equal(currentLanguage(), 'en')
  })
})

describe('Welsh dates without the browser knowing Welsh', () => {
  it('writes month and day names from the catalogue, in British order', async () => {
    const { useCatalogue, dateFormat, pluralIndex } = await import('./i18n.mjs')
    const { pick } = await import('../../lib/catalogue.mjs')
    useCatalogue('cy', pick('cy', 'js'))
    try {
      const when = new Date(Date.UTC(2026, 11, 7, 12))
      const due = dateFormat({ timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(when)
      assert.match(due, /Dydd Llun,? 7 Rhagfyr 2026/)
      assert.equal(dateFormat({ timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(when), '7 Rhagfyr 2026')
      assert.deepEqual([0, 1, 2, 3, 6, 7, 11].map((n) => pluralIndex('cy', n)), [0, 1, 2, 3, 4, 5, 5])
      assert.deepEqual([0, 1, 2].map((n) => pluralIndex('en', n)), [1, 0, 1])
    } finally {
      useCatalogue('en', pick('en', 'js'))
    }
  })
})
