// Every page of the site with every component started on it, as main.mjs
// does: the HTML has each part that its components need.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage, settle } from '../../../test-support/dom.mjs'
import { startAll } from '../component.mjs'
import { COMPONENTS } from './index.mjs'

const PAGES = fs.readdirSync(new URL('../../pages/', import.meta.url)).filter((f) => f.endsWith('.html'))
  .map((f) => f.replace(/\.html$/, '')).sort()

// The site's own components on each page, besides LeaveQuickly and the language toggle on every one.
const EXPECTED = {
  'sign-in': ['tmc-identity-form'],
  'forgotten-password': ['tmc-identity-form'],
  register: ['tmc-token-form'],
  'reset-password': ['tmc-token-form'],
  case: ['tmc-case', 'tmc-agreement-prompt'],
  account: ['tmc-account'],
  'change-password': ['tmc-account-form'],
  'change-email': ['tmc-contact-change'],
  'change-mobile': ['tmc-contact-change'],
  'how-we-contact-you': ['tmc-contact-agreement'],
  'discreet-messages': ['tmc-contact-agreement'],
  stop: ['tmc-account-form'],
  'signed-out': ['tmc-sign-out-on-open'],
  'timed-out': ['tmc-sign-out-on-open']
}

describe('the components on every page', () => {
  let browser = null
  afterEach(() => browser && browser.restore())

  it('has a distinct moduleName for each component, in the tmc- namespace', () => {
    const names = COMPONENTS.map((c) => c.moduleName)
    assert.equal(new Set(names).size, names.length)
    for (const name of names) assert.match(name, /^tmc-[a-z-]+$/)
  })

  it('finds every page', () => {
    assert.ok(PAGES.length >= 13, PAGES.join(', '))
    for (const page of Object.keys(EXPECTED)) assert.ok(PAGES.includes(page), page)
  })

  for (const page of PAGES) {
    it(`${page}: every data-module="tmc-…" starts without error`, async () => {
      const document = loadPage(page)
      browser = installBrowser(document, { hash: '#invitation=abc&token=abc', answer: () => ({ status: 401 }) })
      const errors = []
      const started = startAll(COMPONENTS, { scope: document, onError: (e) => errors.push(e) })
      await settle()
      for (const component of started) if (component.idle) clearInterval(component.idle.timer)
      assert.deepEqual(errors.map(String), [])
      const names = started.map((c) => c.constructor.moduleName)
      assert.deepEqual(names, ['tmc-leave-quickly', 'tmc-language-toggle', ...(EXPECTED[page] || [])])
      const declared = document.querySelectorAll('[data-module]').map((e) => e.dataset.module).filter((m) => m.startsWith('tmc-'))
      assert.deepEqual([...declared].sort(), [...names].sort(), 'no data-module names a component the site lacks')
    })
  }
})
