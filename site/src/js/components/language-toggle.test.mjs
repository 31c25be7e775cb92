import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { pick } from '../../../lib/catalogue.mjs'
import { documentFrom } from '../../../test-support/dom.mjs'
import { useCatalogue } from '../i18n.mjs'
import { LanguageToggle, rememberedLanguage, STORAGE_KEY } from './language-toggle.mjs'

after(() => useCatalogue('en', pick('en', 'js')))

const TOGGLE = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>' +
  '<nav data-module="tmc-language-toggle"><ul>' +
  '<li><a href="/index.html" data-tmc-language="en">English</a></li>' +
  '<li><a href="/cy/index.html" data-tmc-language="cy">Cymraeg</a></li>' +
  '</ul></nav></body></html>'

function storage(initial = {}) {
  const values = new Map(Object.entries(initial))
  return {
    values,
    getItem: (key) => (values.has(key) ? values.get(key) : null),
    setItem: (key, value) => values.set(key, String(value))
  }
}

const refusing = {
  getItem: () => { throw new Error('SecurityError') },
  setItem: () => { throw new Error('QuotaExceededError') }
}

function place(pathname) {
  const replaced = []
  return { replaced, location: { pathname, replace: (url) => replaced.push(url) } }
}

function start(lang, pathname, store) {
  useCatalogue(lang, {})
  const document = documentFrom(TOGGLE)
  const root = document.querySelector('[data-module="tmc-language-toggle"]')
  const { replaced, location } = place(pathname)
  new LanguageToggle(root, { storage: store, location })
  return { root, replaced }
}

describe('LanguageToggle', () => {
  it('remembers the language chosen with the toggle', () => {
    const store = storage()
    const { root } = start('en', '/case.html', store)
    root.querySelector('[data-tmc-language="cy"]').click()
    assert.equal(store.values.get(STORAGE_KEY), 'cy')
    root.querySelector('[data-tmc-language="en"]').click()
    assert.equal(store.values.get(STORAGE_KEY), 'en')
  })

  it('opens the Welsh start page from the English one when Welsh is remembered', () => {
    for (const pathname of ['/', '/index.html']) {
      const { replaced } = start('en', pathname, storage({ [STORAGE_KEY]: 'cy' }))
      assert.deepEqual(replaced, ['/cy/index.html'])
    }
    assert.deepEqual(start('cy', '/cy/', storage({ [STORAGE_KEY]: 'en' })).replaced, ['/index.html'])
  })

  it('leaves every other page, and a start page already in the remembered language, where it is', () => {
    assert.deepEqual(start('en', '/case.html', storage({ [STORAGE_KEY]: 'cy' })).replaced, [])
    assert.deepEqual(start('cy', '/cy/index.html', storage({ [STORAGE_KEY]: 'cy' })).replaced, [])
    assert.deepEqual(start('en', '/', storage()).replaced, [])
    assert.deepEqual(start('en', '/', storage({ [STORAGE_KEY]: 'fr' })).replaced, [])
  })

  it('does nothing when storage is refused: no error, no move, the link still works', () => {
    const { root, replaced } = start('en', '/', refusing)
    assert.deepEqual(replaced, [])
    assert.doesNotThrow(() => root.querySelector('[data-tmc-language="cy"]').click())
    assert.equal(rememberedLanguage(refusing), null)
  })
})
