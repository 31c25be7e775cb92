// The force's support services and its Victims' Right to Review wording, from
// the site config (config/README.md): checked at build time, so a bad config
// fails the build instead of showing a frightened person a broken page, and
// turned into the "Support near you" page's lists. Every word of that page
// that is not in the force's config is in WORDS here or in its HTML
// (src/pages/support.html), so both can move to a message catalogue.

/** What each kind of service is, in the order the page lists them. */
export const KINDS = ['general', 'domestic-abuse', 'sexual-violence', 'other']

export const WORDS = {
  headings: {
    general: 'Help for anyone affected by crime',
    'domestic-abuse': 'Domestic abuse',
    'sexual-violence': 'Rape and sexual violence',
    other: 'Other help'
  },
  phone: 'Phone',
  hours: 'Opening hours',
  website: 'Website',
  websiteOf: (name) => `${name} website`,
  example: 'Example service',
  exampleHint: 'This is an example in the demonstration site. A force lists its own local services here.'
}

const SERVICE_KEYS = new Set(['name', 'kind', 'description', 'phone', 'hours', 'website', 'example'])
const REVIEW_KEYS = ['policeRequestWithin', 'policeHowToAsk', 'cpsAskWithin', 'cpsLatest', 'cpsHowToAsk']
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
  return problems
}

function reviewProblems(review) {
  if (!review || typeof review !== 'object' || Array.isArray(review)) {
    return ['rightToReview is missing: the time limits and how to ask for a review (see config/README.md)']
  }
  const problems = []
  const unknown = Object.keys(review).filter((key) => !REVIEW_KEYS.includes(key))
  if (unknown.length) problems.push(`rightToReview has unknown keys: ${unknown.join(', ')}`)
  for (const key of REVIEW_KEYS) {
    if (!text(review[key], 400)) problems.push(`rightToReview.${key} must be text of at most 400 characters`)
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

function renderService(service) {
  const rows = [
    [WORDS.phone, phoneLink(service.phone)],
    [WORDS.hours, escapeHtml(service.hours)]
  ]
  if (service.website) {
    rows.push([WORDS.website, `<a class="govuk-link" href="${escapeHtml(service.website)}" rel="noreferrer">` +
      `${escapeHtml(WORDS.websiteOf(service.name))}</a>`])
  }
  const tag = service.example ? ` <strong class="govuk-tag govuk-tag--grey">${WORDS.example}</strong>` : ''
  return [
    '<div class="govuk-summary-card tmc-support-service">',
    '  <div class="govuk-summary-card__title-wrapper">',
    `    <h3 class="govuk-summary-card__title">${escapeHtml(service.name)}${tag}</h3>`,
    '  </div>',
    '  <div class="govuk-summary-card__content">',
    `    <p class="govuk-body">${escapeHtml(service.description)}</p>`,
    ...(service.example ? [`    <p class="govuk-body-s">${WORDS.exampleHint}</p>`] : []),
    '    <dl class="govuk-summary-list">',
    ...rows.map(([key, value]) =>
      `      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt>` +
      `<dd class="govuk-summary-list__value">${value}</dd></div>`),
    '    </dl>',
    '  </div>',
    '</div>'
  ].join('\n')
}

/** The page's lists: a heading per kind of service the force has, then its services, in config order. */
export function renderSupportServices(services) {
  const parts = []
  for (const kind of KINDS) {
    const ofKind = services.filter((s) => s.kind === kind)
    if (!ofKind.length) continue
    parts.push(`<h2 class="govuk-heading-m" id="support-${kind}">${WORDS.headings[kind]}</h2>`)
    parts.push(...ofKind.map(renderService))
  }
  return parts.join('\n')
}

/** The placeholders the pages use for the review scheme: {{reviewPoliceRequestWithin}} and so on. */
export function reviewValues(review) {
  return Object.fromEntries(REVIEW_KEYS.map((key) =>
    [`review${key[0].toUpperCase()}${key.slice(1)}`, escapeHtml(review[key])]))
}
