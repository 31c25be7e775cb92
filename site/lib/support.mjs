// The force's support services and its Victims' Right to Review wording, from
// the site config (config/README.md): checked at build time, so a bad config
// fails the build instead of showing a frightened person a broken page, and
// turned into the "Support near you" page's lists. The page's own words are in
// the message catalogues (locale/<lang>/support.po for the lists' headings and
// labels, page-support.po for the page); the force's words are in its config,
// in English and, in each service's and the review wording's "cy", in Welsh.

/** What each kind of service is, in the order the page lists them. */
export const KINDS = ['general', 'domestic-abuse', 'sexual-violence', 'other']

/** The message `key` of a language's table (locale/<lang>/support.po); a missing one is a bug. */
function word(messages, key, params = {}) {
  const text = messages && messages[key]
  if (typeof text !== 'string') throw new Error(`support: no message ${key}`)
  return text.replace(/\{([a-z]+)\}/g, (whole, name) => (name in params ? params[name] : whole))
}

const SERVICE_KEYS = new Set(['name', 'kind', 'description', 'phone', 'hours', 'website', 'example', 'cy'])
// A service's words in Welsh: its description and hours always (every force's
// site has Welsh pages), its name if it has a Welsh one.
const SERVICE_WELSH_KEYS = new Set(['name', 'description', 'hours'])
const REVIEW_KEYS = ['policeRequestWithin', 'policeHowToAsk', 'cpsAskWithin', 'cpsLatest', 'cpsHowToAsk']
const isObject = (value) => Boolean(value) && typeof value === 'object' && !Array.isArray(value)
// A UK number as people write it: digits and single spaces, 3 to 16 digits
// (999, 101, 116 123, 0808 2000 247, 08 08 16 89 111).
const PHONE = /^\d+( \d+)*$/
const text = (value, max) => typeof value === 'string' && value.trim() !== '' && value.length <= max

/**
 * What is wrong with the config's `support` and `rightToReview`, as
 * sentences naming the key (an empty list: nothing).
 */
export function supportProblems(config) {
  const problems = []
  const support = config.support
  if (!support || typeof support !== 'object' || Array.isArray(support)) {
    return ['support is missing: a force lists its support services (see config/README.md)']
  }
  const unknown = Object.keys(support).filter((key) => key !== 'services')
  if (unknown.length) problems.push(`support has unknown keys: ${unknown.join(', ')}`)
  const services = support.services
  if (!Array.isArray(services) || services.length === 0) {
    problems.push('support.services must list at least one service')
  } else {
    services.forEach((service, i) => problems.push(...serviceProblems(service, `support.services[${i}]`)))
    for (const kind of ['general', 'domestic-abuse', 'sexual-violence']) {
      if (!services.some((s) => s && s.kind === kind)) problems.push(`support.services has no "${kind}" service`)
    }
  }
  problems.push(...reviewProblems(config.rightToReview))
  return problems
}

function serviceProblems(service, where) {
  if (!service || typeof service !== 'object' || Array.isArray(service)) return [`${where} must be an object`]
  const problems = []
  const unknown = Object.keys(service).filter((key) => !SERVICE_KEYS.has(key))
  if (unknown.length) problems.push(`${where} has unknown keys: ${unknown.join(', ')}`)
  if (!text(service.name, 100)) problems.push(`${where}.name must be text of at most 100 characters`)
  if (!KINDS.includes(service.kind)) problems.push(`${where}.kind must be one of ${KINDS.join(', ')}`)
  if (!text(service.description, 300)) problems.push(`${where}.description must be text of at most 300 characters`)
  if (typeof service.phone !== 'string' || !PHONE.test(service.phone) || digits(service.phone).length < 3 ||
      digits(service.phone).length > 16) {
    problems.push(`${where}.phone must be a phone number: digits and single spaces, as "0808 2000 247"`)
  }
  if (!text(service.hours, 120)) problems.push(`${where}.hours must say when it is open, in at most 120 characters`)
  if (service.website !== undefined && !(typeof service.website === 'string' &&
      /^https:\/\/[^\s"<>]+$/.test(service.website))) {
    problems.push(`${where}.website must be an https:// address`)
  }
  if (service.example !== undefined && typeof service.example !== 'boolean') {
    problems.push(`${where}.example must be true or false`)
  }
  problems.push(...serviceWelshProblems(service.cy, `${where}.cy`))
  return problems
}

function serviceWelshProblems(cy, where) {
  if (cy !== undefined && !isObject(cy)) return [`${where} must be an object of the service's words in Welsh`]
  const welsh = cy || {}
  const problems = []
  const unknown = Object.keys(welsh).filter((key) => !SERVICE_WELSH_KEYS.has(key))
  if (unknown.length) problems.push(`${where} has unknown keys: ${unknown.join(', ')}`)
  if (welsh.name !== undefined && !text(welsh.name, 100)) problems.push(`${where}.name must be text of at most 100 characters`)
  if (!text(welsh.description, 300)) {
    problems.push(`${where}.description must be the description in Welsh, text of at most 300 characters`)
  }
  if (!text(welsh.hours, 120)) {
    problems.push(`${where}.hours must say when it is open in Welsh, in at most 120 characters`)
  }
  return problems
}

function reviewProblems(review) {
  if (!review || typeof review !== 'object' || Array.isArray(review)) {
    return ['rightToReview is missing: the time limits and how to ask for a review (see config/README.md)']
  }
  const problems = []
  const unknown = Object.keys(review).filter((key) => key !== 'cy' && !REVIEW_KEYS.includes(key))
  if (unknown.length) problems.push(`rightToReview has unknown keys: ${unknown.join(', ')}`)
  for (const key of REVIEW_KEYS) {
    if (!text(review[key], 400)) problems.push(`rightToReview.${key} must be text of at most 400 characters`)
  }
  // The same wording in Welsh, for the Welsh pages.
  if (review.cy !== undefined && !isObject(review.cy)) {
    problems.push('rightToReview.cy must be an object of the wording in Welsh')
    return problems
  }
  const welsh = review.cy || {}
  const unknownWelsh = Object.keys(welsh).filter((key) => !REVIEW_KEYS.includes(key))
  if (unknownWelsh.length) problems.push(`rightToReview.cy has unknown keys: ${unknownWelsh.join(', ')}`)
  for (const key of REVIEW_KEYS) {
    if (!text(welsh[key], 400)) problems.push(`rightToReview.cy.${key} must be the wording in Welsh, text of at most 400 characters`)
  }
  return problems
}

export const digits = (phone) => phone.replace(/\D/g, '')

const escapeHtml = (value) =>
  String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')

/** A phone number a person on a phone can tap to call. */
export function phoneLink(phone) {
  return `<a class="govuk-link tmc-phone" href="tel:${digits(phone)}">${escapeHtml(phone)}</a>`
}

/** A service's words in the page's language: Welsh from its "cy" (the name only if it has one). */
const inLanguage = (service, lang) => (lang === 'en' ? service : { ...service, ...(service.cy || {}) })

function renderService(service, messages) {
  const rows = [
    [word(messages, 'support.phone'), phoneLink(service.phone)],
    [word(messages, 'support.hours'), escapeHtml(service.hours)]
  ]
  if (service.website) {
    rows.push([word(messages, 'support.website'), `<a class="govuk-link" href="${escapeHtml(service.website)}" rel="noreferrer">` +
      `${word(messages, 'support.website_of', { name: escapeHtml(service.name) })}</a>`])
  }
  const tag = service.example
    ? ` <strong class="govuk-tag govuk-tag--grey">${word(messages, 'support.example')}</strong>`
    : ''
  return [
    '<div class="govuk-summary-card tmc-support-service">',
    '  <div class="govuk-summary-card__title-wrapper">',
    `    <h3 class="govuk-summary-card__title">${escapeHtml(service.name)}${tag}</h3>`,
    '  </div>',
    '  <div class="govuk-summary-card__content">',
    `    <p class="govuk-body">${escapeHtml(service.description)}</p>`,
    ...(service.example ? [`    <p class="govuk-body-s">${word(messages, 'support.example_hint')}</p>`] : []),
    '    <dl class="govuk-summary-list">',
    ...rows.map(([key, value]) =>
      `      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt>` +
      `<dd class="govuk-summary-list__value">${value}</dd></div>`),
    '    </dl>',
    '  </div>',
    '</div>'
  ].join('\n')
}

/**
 * The page's lists in a language: a heading per kind of service the force
 * has, then its services, in config order. `messages` is that language's
 * catalogue (lib/catalogue.mjs's loadCatalogue).
 */
export function renderSupportServices(services, { lang = 'en', messages }) {
  const parts = []
  for (const kind of KINDS) {
    const ofKind = services.filter((s) => s.kind === kind)
    if (!ofKind.length) continue
    parts.push(`<h2 class="govuk-heading-m" id="support-${kind}">${word(messages, `support.heading.${kind}`)}</h2>`)
    parts.push(...ofKind.map((service) => renderService(inLanguage(service, lang), messages)))
  }
  return parts.join('\n')
}

/**
 * The placeholders the pages use for the review scheme, in a language:
 * {{reviewPoliceRequestWithin}} and so on (Welsh from the wording's "cy").
 */
export function reviewValues(review, lang = 'en') {
  const words = lang === 'en' ? review : { ...review, ...(review.cy || {}) }
  return Object.fromEntries(REVIEW_KEYS.map((key) =>
    [`review${key[0].toUpperCase()}${key.slice(1)}`, escapeHtml(words[key])]))
}
