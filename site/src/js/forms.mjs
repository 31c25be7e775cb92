// The GOV.UK validation pattern, driven by the API's answers: the server
// decides what is wrong; the page shows an error summary (focused), inline
// messages next to the fields, keeps what the person typed, and puts
// "Error: " before the page title.
import { ErrorSummary } from '/assets/govuk-frontend.min.js'

const originalTitle = document.title

/** The part of the title after the page's own name: " – service – force". */
function titleSuffix() {
  const at = originalTitle.indexOf(' – ')
  return at > -1 ? originalTitle.slice(at) : ''
}

export function setTitle(pageName, { error = false } = {}) {
  document.title = `${error ? 'Error: ' : ''}${pageName}${titleSuffix()}`
}

function pageName() {
  return document.title.replace(/^Error: /, '').replace(titleSuffix(), '')
}

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

/** Date of birth from the three fields, as the API expects: YYYY-MM-DD. */
export function readDate(form, name) {
  const part = (p) => (form.elements.namedItem(`${name}-${p}`)?.value || '').trim()
  const [day, month, year] = [part('day'), part('month'), part('year')]
  if (!day && !month && !year) return ''
  const pad = (v) => (/^\d$/.test(v) ? `0${v}` : v)
  // Anything not a number is passed on as typed: the API says what is wrong.
  return `${year}-${pad(month)}-${pad(day)}`
}

export function readText(form, name) {
  return form.elements.namedItem(name)?.value ?? ''
}

function fieldGroup(form, field) {
  return form.querySelector(`[data-field="${CSS.escape(field)}"]`)
}

/** The element an error summary link should move focus to. */
function fieldTarget(form, field) {
  const group = fieldGroup(form, field)
  return group ? group.querySelector('input, select, textarea') : null
}

export function clearErrors(form, container) {
  container.replaceChildren()
  for (const group of form.querySelectorAll('.govuk-form-group--error')) {
    group.classList.remove('govuk-form-group--error')
  }
  for (const message of form.querySelectorAll('.govuk-error-message')) message.remove()
  for (const input of form.querySelectorAll('.govuk-input--error')) {
    input.classList.remove('govuk-input--error')
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
  const errorMessage = el('p', { class: 'govuk-error-message', id },
    el('span', { class: 'govuk-visually-hidden' }, 'Error: '), message)
  const fieldset = group.querySelector('fieldset')
  const describedElement = fieldset || group.querySelector('input, textarea, select')
  // The message goes after the label or legend and hint, before the input.
  const anchor = group.querySelector('.govuk-hint') || group.querySelector('legend, label')
  anchor.after(errorMessage)
  for (const input of group.querySelectorAll('input')) {
    if (input.type !== 'button') input.classList.add('govuk-input--error')
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
 */
export function showErrors(form, container, errors) {
  if (form) clearErrors(form, container)
  else container.replaceChildren()
  const list = el('ul', { class: 'govuk-list govuk-error-summary__list' })
  for (const { field, message } of errors) {
    const target = form && field ? fieldTarget(form, field) : null
    if (target) addInlineError(form, field, message)
    list.append(el('li', {}, target ? el('a', { href: `#${target.id}` }, message) : message))
  }
  const summary = el('div', { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary' },
    el('div', { role: 'alert' },
      el('h2', { class: 'govuk-error-summary__title' }, 'There is a problem'),
      el('div', { class: 'govuk-error-summary__body' }, list)))
  container.append(summary)
  setTitle(pageName(), { error: true })
  // GOV.UK Frontend's ErrorSummary focuses the summary and makes its links
  // move focus to the field (scrolling its label or legend into view).
  new ErrorSummary(summary)
}

/** Field errors from a 400 answer, in the order the fields appear on the form. */
export function fieldErrors(form, body) {
  const fields = (body && typeof body.fields === 'object' && body.fields) || {}
  const order = form ? [...form.querySelectorAll('[data-field]')].map((g) => g.dataset.field) : []
  const names = Object.keys(fields).sort((a, b) => {
    const ia = order.indexOf(a)
    const ib = order.indexOf(b)
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib)
  })
  const errors = names.map((field) => ({ field, message: String(fields[field]) }))
  if (!errors.length) errors.push({ message: (body && body.message) || 'Check your answers and try again' })
  return errors
}

export function serviceProblem() {
  const phone = document.body.dataset.phone || '101'
  return [{ message: `Sorry, there is a problem with the service. Try again later, or call ${phone}.` }]
}

/** Shows one named part of the page (data-tmc-state) and hides the others. */
export function showState(name) {
  let shown = null
  for (const part of document.querySelectorAll('[data-tmc-state]')) {
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
