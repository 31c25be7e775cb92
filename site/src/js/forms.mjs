// The GOV.UK validation pattern, driven by the API's answers: the server
// decides what is wrong; the page shows an error summary (focused), inline
// messages next to the fields, keeps what the person typed, and puts
// "Error: " before the page title. FormComponent, at the end, is what the
// site's form components share.
import { ErrorSummary, NotificationBanner } from '/assets/govuk-frontend.min.js'
import { forgetSession, post, rememberSession } from './api.mjs'
import { Component, ComponentError } from './component.mjs'
import { pagePath, t } from './i18n.mjs'

// -- the page title -------------------------------------------------------------------

let originalTitle = null

/** The title the page was served with, read before anything here changes it. */
function served() {
  if (originalTitle === null) originalTitle = document.title
  return originalTitle
}

/** The part of a title after the page's own name: " – service – force". */
export function titleSuffix(title) {
  const at = title.indexOf(' – ')
  return at > -1 ? title.slice(at) : ''
}

/** The title for pageName on a page served with the title served. */
export function composeTitle(served, pageName, { error = false } = {}) {
  return `${error ? t('js.error.prefix') : ''}${pageName}${titleSuffix(served)}`
}

/** The page's own name in a title composed as above. */
export function pageNameOf(title, served) {
  const prefix = t('js.error.prefix')
  const bare = title.startsWith(prefix) ? title.slice(prefix.length) : title.replace(/^Error: /, '')
  return bare.replace(titleSuffix(served), '')
}

export function setTitle(pageName, { error = false } = {}) {
  document.title = composeTitle(served(), pageName, { error })
}

function pageName() {
  return pageNameOf(document.title, served())
}

// -- reading the form -----------------------------------------------------------------

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, value)
  }
  for (const child of children) {
    // Strings become text nodes: nothing from the API is ever parsed as HTML.
    node.append(typeof child === 'string' ? document.createTextNode(child) : child)
  }
  return node
}

/** A date as the API expects it, YYYY-MM-DD, from what was typed in its three fields. */
export function dateValue(day, month, year) {
  ;[day, month, year] = [day, month, year].map((part) => (part || '').trim())
  if (!day && !month && !year) return ''
  const pad = (v) => (/^\d$/.test(v) ? `0${v}` : v)
  // Anything not a number is passed on as typed: the API says what is wrong.
  return `${year}-${pad(month)}-${pad(day)}`
}

/** Date of birth from the three fields, as the API expects: YYYY-MM-DD. */
export function readDate(form, name) {
  const part = (p) => form.elements.namedItem(`${name}-${p}`)?.value
  return dateValue(part('day'), part('month'), part('year'))
}

export function readText(form, name) {
  return form.elements.namedItem(name)?.value ?? ''
}

/**
 * What the form's fields (its data-field groups) hold, by field name, in the
 * order of the form: a GOV.UK date input as one YYYY-MM-DD value.
 */
export function readFields(form) {
  const values = {}
  for (const group of form.querySelectorAll('[data-field]')) {
    const name = group.dataset.field
    values[name] = group.querySelector('.govuk-date-input') ? readDate(form, name) : readText(form, name)
  }
  return values
}

function fieldGroup(form, field) {
  return [...form.querySelectorAll('[data-field]')].find((group) => group.dataset.field === field) || null
}

const DATE_BOXES = ['day', 'month', 'year']

// The words for each box in the API's messages, English and Welsh, Welsh with
// the forms mutation gives them ("y flwyddyn", "gynnwys mis a blwyddyn",
// "ddiwrnod"): diwrnod/ddiwrnod, mis/fis, blwyddyn/flwyddyn.
const BOX_WORDS = {
  day: /\b(day|n?dd?iwrnod)\b/i,
  month: /\b(month|mis|fis)\b/i,
  year: /\b(year|m?[bf]lwyddyn)\b/i
}
const boxesNamed = (text) => DATE_BOXES.filter((box) => BOX_WORDS[box].test(text))

/**
 * Which boxes of a GOV.UK date input the API's message is about, so that only
 * those are marked (GOV.UK's date-input pattern): the box it names ("Month
 * must be a number from 1 to 12", "...must include a day and year", a year
 * before 1900), or the whole date when it is not one box's fault (31 February,
 * a date in the future).
 */
export function dateBoxes(message) {
  const text = String(message)
  const missing = text.match(/must include an? (.+)$/)
  if (missing) return DATE_BOXES.filter((box) => new RegExp(`\\b${box}\\b`).test(missing[1]))
  const named = text.match(/^(Day|Month|Year) /)
  if (named) return [named[1].toLowerCase()]
  if (/in 1900 or later$/.test(text)) return ['year']
  // Welsh: "Rhaid i’r dyddiad geni gynnwys mis", "Rhaid i’r flwyddyn gynnwys 4 digid",
  // "Rhaid i’r mis fod yn rhif o 1 i 12", "... fod yn 1900 neu’n hwyrach".
  const cynnwys = text.match(/\bg?gynnwys\s+(.+)$/i)
  const subject = text.match(/^Rhaid i[’'](r|w)?\s*(\S+)/i)
  if (cynnwys && /dyddiad/i.test(subject ? subject[2] : '')) {
    const boxes = boxesNamed(cynnwys[1])
    if (boxes.length) return boxes
  }
  if (subject) {
    const boxes = boxesNamed(subject[2])
    if (boxes.length === 1) return boxes
  }
  if (/1900/.test(text) && /neu[’']n (hwyrach|ddiweddarach)/i.test(text)) return ['year']
  return DATE_BOXES
}

/** The inputs of a field's group that a message is about: for a date, only its wrong boxes. */
function fieldInputs(group, message) {
  if (group.querySelector('.govuk-date-input')) {
    const boxes = dateBoxes(message)
    return [...group.querySelectorAll('.govuk-date-input__input')]
      .filter((input) => boxes.some((box) => input.id.endsWith(`-${box}`)))
  }
  return [...group.querySelectorAll('input, select, textarea')].filter((input) => input.type !== 'button')
}

/** The element an error summary link should move focus to. */
function fieldTarget(form, field, message = '') {
  const group = fieldGroup(form, field)
  return group ? fieldInputs(group, message)[0] || group.querySelector('input, select, textarea') : null
}

// -- showing errors -------------------------------------------------------------------

export function clearErrors(form, container) {
  container.replaceChildren()
  for (const group of form.querySelectorAll('.govuk-form-group--error')) {
    group.classList.remove('govuk-form-group--error')
  }
  // Only the messages added here: a character count marks its own count as
  // .govuk-error-message while the text is too long, and keeps it.
  for (const message of form.querySelectorAll('[data-tmc-inline-error]')) message.remove()
  for (const input of form.querySelectorAll('.govuk-input--error, .govuk-textarea--error')) {
    input.classList.remove('govuk-input--error', 'govuk-textarea--error')
  }
  for (const described of form.querySelectorAll('[aria-describedby]')) {
    const ids = described.getAttribute('aria-describedby').split(/\s+/).filter((id) => !id.endsWith('-error'))
    if (ids.length) described.setAttribute('aria-describedby', ids.join(' '))
    else described.removeAttribute('aria-describedby')
  }
  setTitle(pageName())
}

function addInlineError(form, field, message) {
  const group = fieldGroup(form, field)
  if (!group) return false
  const id = `${field}-error`
  group.classList.add('govuk-form-group--error')
  const errorMessage = el('p', { class: 'govuk-error-message', id, 'data-tmc-inline-error': '' },
    el('span', { class: 'govuk-visually-hidden' }, t('js.error.prefix')), message)
  const fieldset = group.querySelector('fieldset')
  const describedElement = fieldset || group.querySelector('input, textarea, select')
  // The message goes after the label or legend and hint, before the input.
  const anchor = group.querySelector('.govuk-hint') || group.querySelector('legend, label')
  anchor.after(errorMessage)
  for (const input of fieldInputs(group, message)) {
    input.classList.add(input.tagName === 'TEXTAREA' ? 'govuk-textarea--error' : 'govuk-input--error')
  }
  const ids = (describedElement.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean)
  describedElement.setAttribute('aria-describedby', [...ids, id].join(' '))
  return true
}

/**
 * Shows an error summary (and inline messages for fields the form has).
 * @param {HTMLFormElement | null} form
 * @param {Element} container where the summary goes
 * @param {Array<{field?: string, message: string}>} errors in the order of the form
 * @param {{inline?: boolean}} [options] inline: false links each error to its
 *   field but puts no message beside it
 */
export function showErrors(form, container, errors, { inline = true, after = [] } = {}) {
  if (form) clearErrors(form, container)
  else container.replaceChildren()
  const list = el('ul', { class: 'govuk-list govuk-error-summary__list' })
  for (const { field, message } of errors) {
    const target = form && field ? fieldTarget(form, field, message) : null
    if (target && inline) addInlineError(form, field, message)
    list.append(el('li', {}, target ? el('a', { href: `#${target.id}` }, message) : message))
  }
  // `after`: what the person can do next, below the list (a link to reset a password).
  const summary = el('div', { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary' },
    el('div', { role: 'alert' },
      el('h2', { class: 'govuk-error-summary__title' }, t('js.error.title')),
      el('div', { class: 'govuk-error-summary__body' }, list, ...after)))
  container.append(summary)
  setTitle(pageName(), { error: true })
  // GOV.UK Frontend's ErrorSummary focuses the summary and makes its links
  // move focus to the field (scrolling its label or legend into view).
  new ErrorSummary(summary)
}

/**
 * The errors to show for a 400 answer's body, ordered as the fields named in
 * order appear on the form (fields it does not know go last), or its message
 * when it names no field.
 * @param {any} body
 * @param {string[]} order
 * @returns {Array<{field?: string, message: string}>}
 */
export function orderErrors(body, order) {
  const fields = (body && typeof body.fields === 'object' && body.fields) || {}
  const at = (name) => (order.includes(name) ? order.indexOf(name) : order.length)
  const names = Object.keys(fields).sort((a, b) => at(a) - at(b))
  const errors = names.map((field) => ({ field, message: String(fields[field]) }))
  if (!errors.length) errors.push({ message: (body && body.message) || t('js.error.check_answers') })
  return errors
}

/** Field errors from a 400 answer, in the order the fields appear on the form. */
export function fieldErrors(form, body) {
  const order = form ? [...form.querySelectorAll('[data-field]')].map((g) => g.dataset.field) : []
  return orderErrors(body, order)
}

/**
 * Shows a GOV.UK success banner in container (replacing what was there):
 * heading, then each of lines as a paragraph. GOV.UK Frontend's
 * NotificationBanner focuses it, so it is read out at once.
 */
export function showSuccess(container, heading, ...lines) {
  const id = 'tmc-success-title'
  const banner = el('div', {
    class: 'govuk-notification-banner govuk-notification-banner--success',
    role: 'alert',
    'aria-labelledby': id,
    'data-module': 'govuk-notification-banner'
  },
  el('div', { class: 'govuk-notification-banner__header' },
    el('h2', { class: 'govuk-notification-banner__title', id }, t('js.success.title'))),
  el('div', { class: 'govuk-notification-banner__content' },
    el('h3', { class: 'govuk-notification-banner__heading' }, heading),
    ...lines.map((line) => el('p', { class: 'govuk-body' }, line))))
  container.replaceChildren(banner)
  new NotificationBanner(banner)
  return banner
}

export function serviceProblemMessage(phone) {
  return t('js.error.service', { phone: phone || '101' })
}

export function serviceProblem() {
  return [{ message: serviceProblemMessage(document.body.dataset.phone) }]
}

/**
 * Shows one named part (data-tmc-state) of the parts within scope and hides
 * the others; the page takes the part's title (its data-title) and, unless it
 * is the form, focus moves to its heading.
 */
export function showState(scope, name) {
  let shown = null
  for (const part of scope.querySelectorAll('[data-tmc-state]')) {
    const match = part.dataset.tmcState === name
    part.hidden = !match
    if (match) shown = part
  }
  if (shown) {
    setTitle(shown.dataset.title)
    const heading = shown.querySelector('h1')
    if (heading && name !== 'form') heading.focus()
  }
  return shown
}

/**
 * Wires a form: on submit, build the body, send it, and hand the answer to
 * onAnswer. The button is disabled while waiting, so a double click sends once.
 */
export function handleSubmit(form, { body, send, onAnswer }) {
  const button = form.querySelector('button[type="submit"]')
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (button.disabled) return
    button.disabled = true
    button.setAttribute('aria-disabled', 'true')
    try {
      await onAnswer(await send(body(form)))
    } finally {
      button.disabled = false
      button.removeAttribute('aria-disabled')
    }
  })
}

// -- what the form components share ---------------------------------------------------

/**
 * A form sent as JSON to the API, whose answer the page shows in the
 * validation pattern. Its root holds the error summary's place
 * ([data-tmc-errors]), the form, and the parts it may show instead
 * ([data-tmc-state]). Settings on the root:
 *
 * - data-endpoint: the API path the form's fields are posted to
 * - data-success-status: the status of the answer that means it worked
 * - data-success-page: the page to go to then, or
 * - data-success-state: the part of this page to show then; its
 *   [data-tmc-answer="NAME"] elements show NAME from the answer's body
 * - data-session (optional): "begins" if that answer starts a session (its
 *   timings are kept for the idle warning), "ends" if it ends every session
 *
 * A 400 answer's field errors are shown against the fields; any other answer
 * that a subclass does not take (answer()) is a problem with the service.
 */
export class FormComponent extends Component {
  constructor(root) {
    super(root)
    this.form = this.required('form', 'the form (`form`)')
    this.required('button[type="submit"]', 'the form\'s submit button (`button[type="submit"]`)')
    this.errors = this.required('[data-tmc-errors]', 'the place for the error summary (`[data-tmc-errors]`)')
    this.endpoint = this.setting('endpoint')
    this.successStatus = Number(this.setting('successStatus'))
    this.successPage = root.dataset.successPage || null
    this.successState = root.dataset.successState || null
    if (!this.successPage && !this.successState) {
      throw new ComponentError(this.constructor, 'the root element has neither data-success-page nor data-success-state')
    }
    if (this.successState) this.requiredState(this.successState)
    this.session = root.dataset.session || null
    if (this.session && !['begins', 'ends'].includes(this.session)) {
      throw new ComponentError(this.constructor, `data-session is "${this.session}", not "begins" or "ends"`)
    }
  }

  /** The part of the page called name (data-tmc-state); throws if there is none. */
  requiredState(name) {
    return this.required(`[data-tmc-state="${name}"]`, `the "${name}" part (\`[data-tmc-state="${name}"]\`)`)
  }

  /** Shows the part of the page called name (see showState). */
  showState(name) {
    return showState(this.root, name)
  }

  /** Sends the form's fields, with extra, when it is submitted. */
  listen(extra = {}) {
    handleSubmit(this.form, {
      body: (form) => ({ ...extra, ...readFields(form) }),
      send: (body) => post(this.endpoint, body),
      onAnswer: (answer) => this.onAnswer(answer)
    })
  }

  onAnswer({ status, body }) {
    if (status === this.successStatus) {
      this.succeed(body)
    } else if (!this.answer(status, body)) {
      showErrors(this.form, this.errors, status === 400 ? fieldErrors(this.form, body) : serviceProblem())
    }
  }

  /** A subclass's own handling of an answer that is not success; true if it took it. */
  answer(_status, _body) {
    return false
  }

  succeed(body) {
    if (this.session === 'begins') rememberSession(body || {})
    if (this.session === 'ends') forgetSession()
    if (this.successPage) {
      window.location.assign(pagePath(this.successPage))
      return
    }
    this.form.reset()
    const shown = this.showState(this.successState)
    for (const answer of shown.querySelectorAll('[data-tmc-answer]')) {
      answer.textContent = String((body && body[answer.dataset.tmcAnswer]) ?? '')
    }
  }
}
