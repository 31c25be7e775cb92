// The officer console in Welsh: the Welsh page (src/officer/pages/index.html
// with the Welsh catalogue, as the build makes /cy/officer/index.html) and the
// Welsh script catalogue, the inbox, a case and "Record a case" drawn by the
// console as a signed-in officer sees them: no message key shows, and none of
// the English catalogues' words (the console's and the scripts') is left.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { register } from 'node:module'
import path from 'node:path'
import { after, afterEach, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { loadCatalogue, pick } from '../../../lib/catalogue.mjs'
import { CONFIG, documentFrom, FakeElement, installBrowser, settle } from '../../../test-support/dom.mjs'
import { useCatalogue } from '../i18n.mjs'

// oidc-client-ts is served from /assets/vendor/; the console only needs its shape here.
const OIDC_STUB = `
export class InMemoryWebStorage {}
export class WebStorageStateStore { constructor (options) { this.options = options } }
export class UserManager {
  constructor (settings) { this.settings = settings; this.events = { addAccessTokenExpired () {} } }
  removeUser () { return Promise.resolve() }
  signinRedirectCallback () { return Promise.resolve(null) }
  signinRedirect () { return Promise.resolve() }
  signoutRedirect () { return Promise.resolve() }
}`
const HOOK = `
export async function resolve (specifier, context, next) {
  if (specifier === '/assets/vendor/oidc-client-ts.js') {
    return { url: 'data:text/javascript,' + encodeURIComponent(${JSON.stringify(OIDC_STUB)}), shortCircuit: true }
  }
  return next(specifier, context)
}`
register(`data:text/javascript,${encodeURIComponent(HOOK)}`)
const { OfficerConsole } = await import('./console.mjs')

const here = path.dirname(fileURLToPath(import.meta.url))
const OFFICER_SRC = path.join(here, '..', '..', 'officer')

// Test support's fake DOM, given what the console asks of a <template>: its content, cloned.
if (!FakeElement.prototype.cloneNode) {
  FakeElement.prototype.cloneNode = function cloneNode() {
    const copy = new FakeElement(this.ownerDocument, this.localName, Object.fromEntries(this.attributes))
    for (const child of this.childNodes) {
      copy.append(child instanceof FakeElement ? child.cloneNode(true) : this.ownerDocument.createTextNode(child.textContent))
    }
    return copy
  }
  Object.defineProperty(FakeElement.prototype, 'id', {
    get() {
      return this.getAttribute('id') || ''
    },
    set(value) {
      this.setAttribute('id', value)
    }
  })
  FakeElement.prototype.replaceWith = function replaceWith(node) {
    this.after(node)
    this.remove()
  }
  Object.defineProperty(FakeElement.prototype, 'isConnected', {
    get() {
      let node = this
      while (node.parentNode) node = node.parentNode
      return node === this.ownerDocument
    }
  })
  Object.defineProperty(FakeElement.prototype, 'content', {
    get() {
      const holder = new FakeElement(this.ownerDocument, 'div', {})
      for (const child of this.children) holder.append(child.cloneNode(true))
      return holder
    }
  })
}

/** The console's page as the build writes it in lang (the layout around index.html). */
function officerPage(lang) {
  const messages = loadCatalogue(lang)
  const translate = (text) => text.replace(/\{\{t:([a-z0-9_.-]+)\}\}/g, (_, key) => {
    const message = messages[key]
    if (message === undefined) throw new Error(`no message ${key}`)
    return Array.isArray(message) ? message.at(-1) : message
  })
  const read = (name) => fs.readFileSync(path.join(OFFICER_SRC, name), 'utf8')
  const body = read('pages/index.html').replace(/^<!--([\s\S]*?)-->\s*/, '')
  const values = {
    ...CONFIG, lang, title: translate('{{t:officer.console.title}}'), languageToggle: '',
    officerAuthority: '/oidc', officerClientId: 'console', officerScope: 'openid profile'
  }
  const fill = (text) => text.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_, key) => values[key] ?? '')
  return documentFrom(fill(translate(read('layout.html').replace('{{content}}', body))))
}

const ENGLISH = { ...pick('en', 'js'), ...pick('en', 'officer') }
const WELSH = { ...pick('cy', 'js'), ...pick('cy', 'officer') }

// Each English message that differs from its Welsh, cut at its placeholders and
// markup: the pieces of two words or more (one word, such as "Person", may be Welsh too).
const ENGLISH_WORDS = [...new Set(Object.entries(ENGLISH).flatMap(([key, text]) => {
  const welsh = [WELSH[key]].flat().join(' ')
  return [text].flat()
    .flatMap((one) => one.split(/\{\{?[A-Za-z_]+\}?\}|<[^>]*>/))
    .map((part) => part.trim())
    .filter((part) => part.length >= 6 && /[a-z]{3}/i.test(part) && /\s/.test(part) && !welsh.includes(part))
}))]

/** An element's words, leaving out what is marked as another language (the radio "English"). */
function welshText(node) {
  if (node instanceof FakeElement && node.getAttribute('lang') && node.getAttribute('lang') !== 'cy') return ''
  if (node instanceof FakeElement) {
    if (node.localName === 'template') return ''
    return node.childNodes.map(welshText).join(' ')
  }
  return node.textContent
}

function assertWelsh(text, where) {
  assert.doesNotMatch(text, /\b(js|officer)\.[a-z_]+\.[a-z_.]+/, `${where}: a message key shows: ${text}`)
  for (const words of ENGLISH_WORDS) {
    assert.ok(!text.includes(words), `${where}: English "${words}" in: ${text}`)
  }
  assert.ok(text.trim().length > 0, `${where}: nothing written`)
}

const INBOX = {
  items: [
    { crimeNumber: 'LC-2026-000101', reason: 'message', waitingSince: '2026-11-24T21:05:00Z' },
    { crimeNumber: 'LC-2026-000102', reason: 'update_due', waitingSince: '2026-11-20' },
    { crimeNumber: 'LC-2026-000103', reason: 'unread', waitingSince: '2026-11-19T09:00:00Z' }
  ],
  cursor: null
}

// What the API would send a Welsh page (its own words, such as the status, already in Welsh).
const CASE = {
  crimeNumber: 'LC-2026-000101',
  status: 'investigating',
  statusLabel: 'Yn cael ei ymchwilio',
  officer: { name: 'PC 1234 Alex Morgan', email: 'alex.morgan@example.police.uk' },
  nextUpdateDueBy: '2026-12-04',
  createdAt: '2026-11-19T09:00:00Z',
  updates: [
    { id: 'u1', postedAt: '2026-11-20T10:00:00Z', type: 'crime_recorded', typeLabel: 'Trosedd wedi’i chofnodi', text: 'Cofnodwyd.', officerName: 'PC Reid' },
    { id: 'u2', postedAt: '2026-11-21T10:00:00Z', type: 'verdict', text: 'Euog.' }
  ],
  contacts: [
    {
      id: 'c1', role: 'victim', forename: 'Siân', surname: 'Jones', status: 'registered', language: 'cy',
      channels: ['email', 'text'], textsFailing: true, lastReadAt: '2026-11-22T10:00:00Z', safeContact: true, enhancedRights: true,
      messages: [
        { id: 'm1', from: 'victim', kind: 'update_request', text: '', sentAt: '2026-11-21T09:00:00Z', answeredAt: '2026-11-22T16:00:00Z' },
        { id: 'm2', from: 'officer', kind: 'message', text: 'Diolch.', sentAt: '2026-11-22T16:00:00Z', officerName: 'PC Reid' },
        { id: 'm3', from: 'victim', kind: 'message', text: 'Helo.', sentAt: '2026-11-24T21:05:00Z', replyDueBy: '2026-11-27' }
      ]
    },
    {
      id: 'c2', role: 'witness', forename: 'Tom', surname: 'Evans', status: 'invited', language: 'en',
      channels: ['email'], lastReadAt: null, safeContact: false, enhancedRights: false, messages: []
    },
    {
      id: 'c3', role: 'victim', forename: 'Owain', surname: 'Hughes', status: 'wants_other_contact', stoppedAt: '2026-11-25T10:00:00Z',
      channels: [], messages: []
    }
  ]
}

let browser = null
let console_ = null

before(() => useCatalogue('cy', pick('cy', 'js')))
after(() => useCatalogue('en', pick('en', 'js')))
afterEach(() => {
  if (console_) console_.idle.stop()
  console_ = null
  if (browser) browser.restore()
  browser = null
  delete globalThis.Element
})

/** The Welsh console, signed in as an officer who may change cases. */
async function signedIn(answer) {
  const document = officerPage('cy')
  browser = installBrowser(document, { answer })
  browser.location.origin = 'https://track.example.police.uk'
  globalThis.Element = FakeElement
  Object.assign(globalThis.window, { addEventListener() {} })
  Object.assign(globalThis.window.history, { pushState() {} })
  console_ = new OfficerConsole(document.querySelector('[data-module="tmc-officer-console"]'))
  await settle()
  assertWelsh(welshText(console_.view), 'the sign-in view')
  console_.auth.user = {
    access_token: 'token', expired: false, state: {},
    profile: { name: 'PC 1234 Alex Morgan', email: 'alex.morgan@example.police.uk', roles: ['officer'] }
  }
  console_.signedIn()
  return document
}

describe('the officer console in Welsh', () => {
  it('knows enough English to look for', () => {
    assert.ok(ENGLISH_WORDS.length > 200, `${ENGLISH_WORDS.length} English pieces`)
    assert.ok(ENGLISH_WORDS.includes('Waiting for a reply') || ENGLISH_WORDS.includes('Message waiting for a reply'))
  })

  it('draws the inbox in Welsh', async () => {
    const document = await signedIn(() => ({ status: 200, body: INBOX }))
    browser.location.hash = '#inbox'
    await console_.route()
    await settle()
    const text = welshText(console_.view)
    assert.match(text, /Wedi mewngofnodi fel PC 1234 Alex Morgan/)
    assert.match(text, /3 pheth yn aros, yr hynaf yn gyntaf/)
    assert.match(text, /Neges yn aros am ateb/)
    assert.match(text, /24 Tachwedd 2026 am 9:05yp/)
    assert.match(text, /Yn ddyledus erbyn Dydd Gwener 20 Tachwedd 2026/)
    assertWelsh(text, 'the inbox')
    assert.match(document.title, /^Mewnflwch – /)
  })

  it('says in Welsh when the inbox cannot be read', async () => {
    const document = await signedIn(() => ({ status: 500 }))
    browser.location.hash = '#inbox/team'
    await console_.route()
    await settle()
    assertWelsh(welshText(document.querySelector('[data-tmc-errors]')), 'the error summary')
  })

  it('draws a case, its people (with their language) and its forms in Welsh', async () => {
    await signedIn(() => ({ status: 200, body: CASE }))
    browser.location.hash = '#case/LC-2026-000101'
    await console_.route()
    await settle()
    const view = console_.view
    const text = welshText(view)
    assertWelsh(text, 'the case')
    const people = view.querySelectorAll('[data-tmc-contact]')
    assert.equal(people.length, 3)
    const field = (person, name) => person.querySelector(`[data-tmc-field="${name}"]`).textContent
    assert.equal(people[0].querySelector('[data-tmc-contact-name]').textContent, 'Siân Jones (dioddefwr)')
    assert.equal(field(people[0], 'language'), 'Cymraeg')
    assert.equal(field(people[1], 'language'), 'Saesneg')
    assert.equal(field(people[2], 'language'), 'Saesneg')
    assert.equal(field(people[0], 'channels'), 'E-bost a neges destun (negeseuon testun yn methu)')
    assert.match(text, /Gofynnodd Siân Jones am ddiweddariad/)
    assert.match(text, /Ateb yn ddyledus erbyn Dydd Gwener 27 Tachwedd 2026/)
    assert.match(text, /Dyfarniad/)
    assert.match(text, /Rhoddodd Owain Hughes y gorau i ddefnyddio Track My Crime ar 25 Tachwedd 2026 am 10:00yb\./)
    const options = view.querySelectorAll('[data-tmc-update-types] option').map((o) => o.textContent)
    assert.equal(options.length, 19)
    assert.ok(options.includes('Rhywun a amheuir wedi’i gyhuddo'))
  })

  it('draws "Record a case" in Welsh, each person English by default, and adding a person in Welsh', async () => {
    const document = await signedIn(() => ({ status: 200, body: {} }))
    browser.location.hash = '#new-case'
    await console_.route()
    const view = console_.view
    assertWelsh(welshText(view), 'the new-case form')
    assert.equal(view.querySelector('[data-tmc-person-heading]').textContent, 'Person 1')
    const language = view.querySelectorAll('input[name="contacts[0].language"]')
    assert.deepEqual(language.map((input) => [input.getAttribute('value'), input.hasAttribute('checked')]), [['en', true], ['cy', false]])
    view.querySelector('[data-tmc-add-person]').click()
    const second = view.querySelectorAll('[data-tmc-person]')[1]
    assert.equal(second.querySelector('[data-tmc-person-heading]').textContent, 'Person 2')
    assert.deepEqual(second.querySelectorAll('input[type="radio"]').map((input) => input.getAttribute('name')),
      ['contacts[1].role', 'contacts[1].role', 'contacts[1].language', 'contacts[1].language'])
    assert.equal(second.querySelector('input[value="cy"]').id, 'person-2-language-cy')
    const status = document.querySelector('[data-tmc-people-status]').textContent
    assert.equal(status, 'Person 2 wedi’i ychwanegu. Mae 2 berson ar yr achos hwn.')
    assertWelsh(welshText(view), 'the new-case form with two people')
  })
})
