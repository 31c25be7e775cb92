// A small, hand-made stand-in for the browser's DOM, enough for the unit
// tests of src/js: elements parsed from the site's own HTML, simple CSS
// selectors (tag, #id, .class, [attr], [attr="value"], descendants, and
// lists), attributes and dataset, classList, events that capture and bubble,
// forms' elements and reset, dialogs, and MutationObserver for class changes.
// It is not a browser: layout, focus order, CSS and the like are left out.
import { loadCatalogue, translate as translateTemplate } from '../lib/catalogue.mjs'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src')
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'])

// -- selectors ------------------------------------------------------------------------

function splitOutside(text, separator) {
  const parts = []
  let current = ''
  let quote = null
  let depth = 0
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = null
    } else if (c === '"' || c === "'") {
      quote = c
    } else if (c === '[') {
      depth += 1
    } else if (c === ']') {
      depth -= 1
    } else if (depth === 0 && separator.test(c)) {
      if (current.trim()) parts.push(current.trim())
      current = ''
      continue
    }
    current += c
  }
  if (current.trim()) parts.push(current.trim())
  return parts
}

function parseCompound(text) {
  const compound = { tag: null, id: null, classes: [], attributes: [] }
  let rest = text
  const tag = rest.match(/^[a-zA-Z][\w-]*/)
  if (tag) {
    compound.tag = tag[0].toLowerCase()
    rest = rest.slice(tag[0].length)
  }
  while (rest) {
    let m
    if ((m = rest.match(/^#([\w-]+)/))) compound.id = m[1]
    else if ((m = rest.match(/^\.([\w-]+)/))) compound.classes.push(m[1])
    else if ((m = rest.match(/^\[([\w-]+)(?:="([^"]*)")?\]/))) compound.attributes.push([m[1], m[2]])
    else throw new Error(`dom stand-in: unsupported selector ${JSON.stringify(text)}`)
    rest = rest.slice(m[0].length)
  }
  return compound
}

function matchesCompound(element, { tag, id, classes, attributes }) {
  if (tag && element.localName !== tag) return false
  if (id && element.getAttribute('id') !== id) return false
  if (classes.some((c) => !element.classList.contains(c))) return false
  return attributes.every(([name, value]) =>
    element.hasAttribute(name) && (value === undefined || element.getAttribute(name) === value))
}

function matchesSelector(element, selector) {
  return splitOutside(selector, /,/).some((one) => {
    const compounds = splitOutside(one, /\s/).map(parseCompound)
    if (!matchesCompound(element, compounds.pop())) return false
    let ancestor = element.parentNode
    while (compounds.length) {
      while (ancestor && !(ancestor instanceof FakeElement && matchesCompound(ancestor, compounds.at(-1)))) {
        ancestor = ancestor.parentNode
      }
      if (!ancestor) return false
      compounds.pop()
      ancestor = ancestor.parentNode
    }
    return true
  })
}

// -- nodes ----------------------------------------------------------------------------

class FakeNode {
  constructor(ownerDocument) {
    this.ownerDocument = ownerDocument
    this.parentNode = null
    this.childNodes = []
    this.listeners = []
  }

  get children() {
    return this.childNodes.filter((n) => n instanceof FakeElement)
  }

  get textContent() {
    return this.childNodes.map((n) => n.textContent).join('')
  }

  set textContent(value) {
    this.replaceChildren(String(value))
  }

  *descendants() {
    for (const child of this.children) {
      yield child
      yield* child.descendants()
    }
  }

  querySelectorAll(selector) {
    return [...this.descendants()].filter((e) => matchesSelector(e, selector))
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] || null
  }

  contains(node) {
    for (let n = node; n; n = n.parentNode) if (n === this) return true
    return false
  }

  adopt(child) {
    const node = typeof child === 'string' ? this.ownerDocument.createTextNode(child) : child
    if (node.parentNode) node.remove()
    node.parentNode = this
    return node
  }

  append(...children) {
    this.childNodes.push(...children.map((c) => this.adopt(c)))
  }

  replaceChildren(...children) {
    for (const child of this.childNodes) child.parentNode = null
    this.childNodes = []
    this.append(...children)
  }

  remove() {
    if (!this.parentNode) return
    this.parentNode.childNodes = this.parentNode.childNodes.filter((n) => n !== this)
    this.parentNode = null
  }

  after(...nodes) {
    const parent = this.parentNode
    const adopted = nodes.map((n) => parent.adopt(n))
    const at = parent.childNodes.indexOf(this)
    parent.childNodes.splice(at + 1, 0, ...adopted)
  }

  addEventListener(type, listener, options = false) {
    const capture = typeof options === 'boolean' ? options : Boolean(options && options.capture)
    this.listeners.push({ type, listener, capture })
  }

  removeEventListener(type, listener) {
    this.listeners = this.listeners.filter((l) => !(l.type === type && l.listener === listener))
  }

  /** Capture from the document down, then the target, then bubble up if the event does. */
  dispatchEvent(event) {
    const path = []
    for (let n = this; n; n = n.parentNode) path.push(n)
    if (this.ownerDocument && path.at(-1) !== this.ownerDocument) path.push(this.ownerDocument)
    event.target = this
    const run = (node, capture) => {
      for (const { type, listener, capture: c } of [...node.listeners]) {
        if (type === event.type && (capture === null || c === capture)) {
          event.currentTarget = node
          listener.call(node, event)
        }
      }
    }
    for (const node of path.slice(1).reverse()) run(node, true)
    run(this, null)
    if (event.bubbles) for (const node of path.slice(1)) run(node, false)
    return !event.defaultPrevented
  }
}

class FakeText extends FakeNode {
  constructor(ownerDocument, text) {
    super(ownerDocument)
    this.data = text
  }

  get textContent() {
    return this.data
  }

  set textContent(value) {
    this.data = String(value)
  }
}

export class FakeEvent {
  constructor(type, { bubbles = false, cancelable = false } = {}) {
    this.type = type
    this.bubbles = bubbles
    this.cancelable = cancelable
    this.defaultPrevented = false
    this.target = null
    this.currentTarget = null
  }

  preventDefault() {
    if (this.cancelable) this.defaultPrevented = true
  }
}

function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase())
}

function kebab(name) {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

export class FakeElement extends FakeNode {
  constructor(ownerDocument, tag, attributes = {}) {
    super(ownerDocument)
    this.localName = tag.toLowerCase()
    this.attributes = new Map(Object.entries(attributes))
    this.observers = []
    this.value = this.attributes.get('value') || ''
    this.disabled = this.attributes.has('disabled')
    this.open = this.attributes.has('open')
    const element = this
    this.classList = {
      contains: (c) => element.classNames().includes(c),
      add: (...cs) => element.setClasses([...new Set([...element.classNames(), ...cs])]),
      remove: (...cs) => element.setClasses(element.classNames().filter((c) => !cs.includes(c))),
      toggle: (c, force = !element.classList.contains(c)) =>
        (force ? element.classList.add(c) : element.classList.remove(c), force)
    }
    this.dataset = new Proxy({}, {
      get: (_, name) => (typeof name === 'string' ? element.attributes.get(`data-${kebab(name)}`) : undefined),
      set: (_, name, value) => (element.setAttribute(`data-${kebab(name)}`, value), true),
      has: (_, name) => element.attributes.has(`data-${kebab(name)}`),
      deleteProperty: (_, name) => (element.removeAttribute(`data-${kebab(name)}`), true),
      ownKeys: () => [...element.attributes.keys()].filter((a) => a.startsWith('data-')).map((a) => camel(a.slice(5))),
      getOwnPropertyDescriptor: (_, name) => ({ value: element.dataset[name], enumerable: true, configurable: true })
    })
  }

  get tagName() {
    return this.localName.toUpperCase()
  }

  get id() {
    return this.getAttribute('id') || ''
  }

  get type() {
    return this.getAttribute('type') || (this.localName === 'button' ? 'submit' : 'text')
  }

  get hidden() {
    return this.hasAttribute('hidden')
  }

  set hidden(value) {
    if (value) this.setAttribute('hidden', '')
    else this.removeAttribute('hidden')
  }

  classNames() {
    return (this.getAttribute('class') || '').split(/\s+/).filter(Boolean)
  }

  setClasses(classes) {
    this.setAttribute('class', classes.join(' '))
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null
  }

  hasAttribute(name) {
    return this.attributes.has(name)
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value))
    this.changed(name)
  }

  removeAttribute(name) {
    if (this.attributes.delete(name)) this.changed(name)
  }

  changed(name) {
    for (const observer of this.observers) observer.notice(this, name)
  }

  matches(selector) {
    return matchesSelector(this, selector)
  }

  closest(selector) {
    for (let n = this; n instanceof FakeElement; n = n.parentNode) if (n.matches(selector)) return n
    return null
  }

  focus() {
    this.ownerDocument.activeElement = this
  }

  click() {
    this.dispatchEvent(new FakeEvent('click', { bubbles: true, cancelable: true }))
  }

  // <form>
  get elements() {
    const form = this
    return {
      namedItem: (name) => form.querySelectorAll('input, select, textarea, button').find((e) => e.getAttribute('name') === name) || null
    }
  }

  reset() {
    for (const input of this.querySelectorAll('input, textarea')) input.value = input.getAttribute('value') || ''
  }

  /** Submits as pressing its button would: a cancelable submit event on the form. */
  requestSubmit() {
    this.dispatchEvent(new FakeEvent('submit', { bubbles: true, cancelable: true }))
  }

  // <dialog>
  showModal() {
    this.open = true
  }

  close() {
    this.open = false
  }
}

export class FakeDocument extends FakeNode {
  constructor() {
    super(null)
    this.ownerDocument = this
    this.title = ''
    this.activeElement = null
    this.documentElement = null
    this.body = null
  }

  createElement(tag) {
    return new FakeElement(this, tag)
  }

  createTextNode(text) {
    return new FakeText(this, String(text))
  }
}

export class FakeMutationObserver {
  constructor(callback) {
    this.callback = callback
    this.records = []
  }

  observe(element, { attributeFilter } = {}) {
    this.filter = attributeFilter
    element.observers.push(this)
  }

  notice(target, attributeName) {
    if (this.filter && !this.filter.includes(attributeName)) return
    if (!this.records.length) queueMicrotask(() => this.callback(this.records.splice(0), this))
    this.records.push({ type: 'attributes', target, attributeName })
  }
}

// -- HTML -----------------------------------------------------------------------------

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: '\u00a0' }
const decode = (text) => text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name) => ENTITIES[name])

/** Parses well-formed HTML, such as the site's pages, into children of parent. */
export function parseInto(parent, html) {
  const document = parent.ownerDocument
  const stack = [parent]
  const token = /<!--[\s\S]*?-->|<!doctype[^>]*>|<\/([a-zA-Z][\w-]*)\s*>|<([a-zA-Z][\w-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*(\/?)>|[^<]+/gi
  for (const [whole, closing, tag, attributeText, selfClosing] of html.matchAll(token)) {
    const top = stack.at(-1)
    if (closing) {
      const at = stack.findLastIndex((n) => n.localName === closing.toLowerCase())
      if (at > 0) stack.length = at
    } else if (tag) {
      const attributes = {}
      for (const [, name, a, b, c] of attributeText.matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
        attributes[name.toLowerCase()] = decode(a ?? b ?? c ?? '')
      }
      const element = new FakeElement(document, tag, attributes)
      top.append(element)
      if (!selfClosing && !VOID.has(element.localName)) stack.push(element)
    } else if (!whole.startsWith('<')) {
      top.append(document.createTextNode(decode(whole)))
    }
  }
  return parent
}

/** A document from HTML: its <title>, <body> and all. */
export function documentFrom(html) {
  const document = new FakeDocument()
  parseInto(document, html)
  document.documentElement = document.querySelector('html')
  document.body = document.querySelector('body')
  const title = document.querySelector('title')
  document.title = title ? title.textContent : ''
  return document
}

/** Config values the pages' {{placeholders}} are filled with here. */
export const CONFIG = {
  serviceName: 'Track My Crime',
  forceName: 'Demo Constabulary',
  phone: '101',
  emergencyPhone: '999',
  // As the build writes them (lib/support.mjs phoneLink): numbers to tap.
  phoneLink: '<a class="govuk-link tmc-phone" href="tel:101">101</a>',
  emergencyPhoneLink: '<a class="govuk-link tmc-phone" href="tel:999">999</a>'
}

/**
 * The site's page called name as the build makes it (src/layout.html around
 * src/pages/NAME.html, partials included), as a document. Placeholders other
 * than those in CONFIG become "{{name}}"-free text.
 */
const ENGLISH = loadCatalogue('en')

export function loadPage(name) {
  const read = (...parts) => fs.readFileSync(path.join(SRC, ...parts), 'utf8')
  const body = read('pages', `${name}.html`)
    .replace(/^<!--([\s\S]*?)-->\s*/, '')
    .replace(/\{\{>\s*([a-z-]+)\s*\}\}/g, (_, partial) => read('partials', `${partial}.html`))
  const meta = JSON.parse(read('pages', `${name}.html`).match(/^<!--([\s\S]*?)-->/)[1])
  // {{t:key}}: the English message, as the build puts it (its {{name}}s filled next).
  const translate = (text) => translateTemplate(text, ENGLISH, (key) => {
    throw new Error(`${name}: no message ${key}`)
  })
  // A title may be a message key too ("t:sign_in.title").
  const title = meta.title.startsWith('t:') ? translate(`{{${meta.title}}}`) : meta.title
  const values = { ...CONFIG, title, lang: 'en' }
  const fill = (text) => text.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_, key) => values[key] ?? '')
  return documentFrom(fill(translate(read('layout.html').replace('{{content}}', body))))
}

// -- the browser around the page ------------------------------------------------------

/**
 * Puts a page's document, and stand-ins for the rest of the browser a module
 * may use (window.location and history, sessionStorage, fetch,
 * MutationObserver, Event), on globalThis; returns them with a restore().
 * fetch answers with answer(url, init) and records each call in calls.
 */
export function installBrowser(document, { hash = '', answer = () => ({ status: 204 }) } = {}) {
  const saved = {}
  for (const name of ['document', 'window', 'sessionStorage', 'fetch', 'MutationObserver', 'Event']) {
    saved[name] = Object.getOwnPropertyDescriptor(globalThis, name)
  }
  const storage = new Map()
  const browser = {
    document,
    calls: [],
    navigations: [],
    location: {
      hash,
      pathname: '/page.html',
      search: '',
      assign: (url) => browser.navigations.push(['assign', url]),
      replace: (url) => browser.navigations.push(['replace', url])
    },
    sessionStorage: {
      getItem: (key) => (storage.has(key) ? storage.get(key) : null),
      setItem: (key, value) => storage.set(key, String(value)),
      removeItem: (key) => storage.delete(key)
    },
    restore() {
      for (const [name, descriptor] of Object.entries(saved)) {
        if (descriptor) Object.defineProperty(globalThis, name, descriptor)
        else delete globalThis[name]
      }
    }
  }
  const window = {
    location: browser.location,
    history: {
      replaceState: (_state, _title, url) => {
        browser.location.hash = ''
        browser.replacedUrl = url
      }
    }
  }
  const fetch = async (url, init = {}) => {
    browser.calls.push({ url, ...init, body: init.body === undefined ? undefined : JSON.parse(init.body) })
    const { status, body } = await answer(url, init)
    if (status === 0) throw new TypeError('Failed to fetch')
    const hasBody = body !== undefined && status !== 204
    return new Response(hasBody ? JSON.stringify(body) : null,
      { status, headers: hasBody ? { 'Content-Type': 'application/json' } : {} })
  }
  const define = (name, value) => Object.defineProperty(globalThis, name, { value, configurable: true, writable: true })
  define('document', document)
  define('window', window)
  define('sessionStorage', browser.sessionStorage)
  define('fetch', fetch)
  define('MutationObserver', FakeMutationObserver)
  // Node's own Event cannot be dispatched on the stand-in's nodes (its target is read-only).
  define('Event', FakeEvent)
  return browser
}

/** Lets pending promise callbacks (a fetch answered, an await resumed) run. */
export async function settle() {
  for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setImmediate(resolve))
}
