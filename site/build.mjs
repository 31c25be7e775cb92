// Builds the victim site into dist/: pages from src/pages wrapped in
// src/layout.html, CSS compiled from src/scss with govuk-frontend, our ES
// modules, and govuk-frontend's own dist (JS and assets) copied from
// node_modules so nothing is fetched from a third party at run time. The
// officer console's pages (src/officer/pages, in src/officer/layout.html) go
// to dist/officer/ (Welsh: dist/cy/officer/), with oidc-client-ts copied into dist/assets/vendor/.
//
//   node build.mjs [--config config/default.json] [--out dist]
//   SITE_CONFIG=/path/to/force.json node build.mjs
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'
import { phoneLink, renderSupportServices, reviewValues, supportProblems } from './lib/support.mjs'
import { LANGUAGES, loadCatalogue, pick, translate as translateTemplate } from './lib/catalogue.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`)
  return at > -1 ? process.argv[at + 1] : fallback
}

const configPath = path.resolve(
  option('config', process.env.SITE_CONFIG || path.join(here, 'config', 'default.json'))
)
const outDir = path.resolve(option('out', path.join(here, 'dist')))
const govukDist = path.join(here, 'node_modules', 'govuk-frontend', 'dist', 'govuk')

const REQUIRED = [
  'serviceName', 'forceName', 'logo', 'colour', 'phone', 'phoneDescription', 'crimeNumberExample',
  'emergencyPhone', 'textRelayPhone', 'exitUrl', 'dataController',
  'dataProtectionEmail', 'accessibilityEmail', 'statementPrepared', 'retention'
]

function fail(message) {
  console.error(`site build: ${message}`)
  process.exit(1)
}

function loadConfig() {
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8'))
  const missing = REQUIRED.filter((key) => typeof config[key] !== 'string' || !config[key])
  if (missing.length) fail(`${configPath} lacks ${missing.join(', ')}`)
  if (!/^#[0-9a-fA-F]{6}$/.test(config.colour)) fail('colour must be #rrggbb')
  if (!/^https:\/\//.test(config.exitUrl)) fail('exitUrl must be an https:// address')
  checkOfficerSignIn(config.officerSignIn)
  checkWelsh(config)
  const support = supportProblems(config)
  if (support.length) fail(`${configPath}:\n  ${support.join('\n  ')}`)
  return config
}

// "cy": the config's own words in Welsh (forceName, phoneDescription,
// dataController, retention...), each a non-empty string replacing an English one.
function checkWelsh(config) {
  if (config.cy === undefined) return
  if (!config.cy || typeof config.cy !== 'object' || Array.isArray(config.cy)) fail('cy must be an object of Welsh words')
  for (const [key, value] of Object.entries(config.cy)) {
    if (typeof config[key] !== 'string') fail(`cy.${key} is not one of the config's words`)
    if (typeof value !== 'string' || !value.trim()) fail(`cy.${key} must be non-empty text`)
  }
  if (config.welshFirst !== undefined && typeof config.welshFirst !== 'boolean') fail('welshFirst must be true or false')
}

// The console's OIDC client, as the force registered it with its identity
// provider. authority is the provider's address (https://, or a path on this
// site, as /oidc is for the development issuer behind the local site server).
function checkOfficerSignIn(signIn) {
  if (!signIn || typeof signIn !== 'object') fail('officerSignIn is missing (see config/README.md)')
  for (const key of ['authority', 'clientId', 'scope']) {
    if (typeof signIn[key] !== 'string' || !signIn[key]) fail(`officerSignIn lacks ${key}`)
  }
  if (!/^(https:\/\/|\/[a-z])/.test(signIn.authority)) fail('officerSignIn.authority must be https:// or a path on this site')
  if (!signIn.scope.split(/\s+/).includes('openid')) fail('officerSignIn.scope must include openid')
}

// WCAG 2.x relative luminance and contrast ratio.
function luminance(hex) {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

function headerTextColour(background) {
  const white = contrast(background, '#ffffff')
  const black = contrast(background, '#0b0c0c')
  const best = white >= black ? ['#ffffff', white] : ['#0b0c0c', black]
  if (best[1] < 4.5) fail(`no text colour reaches 4.5:1 on ${background}`)
  return best[0]
}

const escapeHtml = (value) =>
  String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')

// {{name}} is replaced by the escaped config value (or page value); an
// unknown name fails the build rather than leaving a hole in a page.
function fill(template, values, where) {
  return template.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_, name) => {
    if (!(name in values)) fail(`${where}: unknown placeholder {{${name}}}`)
    return values[name]
  })
}

// {{> name}} inserts src/partials/name.html: the form fields that several
// pages share (date of birth, passwords) are written once.
function includePartials(text, where) {
  return text.replace(/\{\{>\s*([a-z-]+)\s*\}\}/g, (_, name) => {
    const file = path.join(here, 'src', 'partials', `${name}.html`)
    if (!fs.existsSync(file)) fail(`${where}: unknown partial ${name}`)
    return fs.readFileSync(file, 'utf8').trimEnd()
  })
}

// {{t:key}}: the message in the page's language (lib/catalogue.mjs); a key no
// catalogue has fails the build.
function translate(text, messages, where) {
  return translateTemplate(text, messages, (key) => fail(`${where}: no message ${key}`))
}

// A Welsh page's links to the site's own pages go to their Welsh versions.
function localiseLinks(html, lang) {
  // The English version's own links (hreflang, the toggle) are marked /!en/ until here.
  if (lang === 'en') return html.replaceAll('href="/!en/', 'href="/')
  // The officer console's pages (officer/...) have Welsh versions too.
  return html.replace(/(href=")\/(?!cy\/|assets\/|css\/|js\/|images\/)((?:officer\/)?[a-z0-9-]*\.html|)([?#"])/g,
    (_, attr, page, after) => `${attr}/${lang}/${page || 'index.html'}${after}`).replaceAll('href="/!en/', 'href="/')
}

// A page starts with an HTML comment holding its JSON metadata.
function readPage(file) {
  const text = fs.readFileSync(file, 'utf8')
  const match = text.match(/^<!--([\s\S]*?)-->\s*/)
  if (!match) fail(`${file} has no metadata comment`)
  return { meta: JSON.parse(match[1]), body: text.slice(match[0].length) }
}

// The CSP allows no inline script or style: check every page so a change
// that would silently break under the policy fails the build instead.
function checkNoInlineCode(html, where) {
  const problems = []
  for (const tag of html.matchAll(/<script\b[^>]*>/gi)) {
    if (!/\bsrc=/.test(tag[0])) problems.push('inline <script>')
  }
  if (/<style\b/i.test(html)) problems.push('<style> element')
  if (/\sstyle\s*=/i.test(html)) problems.push('style attribute')
  if (/\son[a-z]+\s*=/i.test(html)) problems.push('event handler attribute')
  if (/javascript:/i.test(html)) problems.push('javascript: URL')
  // Links a person follows may leave the site; anything the page loads may not.
  if (/\ssrc="(https?:)?\/\//i.test(html) || /<link\b[^>]*href="(https?:)?\/\//i.test(html)) {
    problems.push('third-party resource')
  }
  if (problems.length) fail(`${where}: ${problems.join(', ')}`)
}

function copyDir(from, to, filter = () => true) {
  fs.mkdirSync(to, { recursive: true })
  fs.cpSync(from, to, { recursive: true, filter })
}

// The unit tests live beside the modules (src/js/**/*.test.mjs); the site does not serve them.
const isNotTest = (file) => !file.endsWith('.test.mjs')

function buildCss(config) {
  const textColour = headerTextColour(config.colour)
  const source = `@use "site" with ($force-colour: ${config.colour}, $force-text-colour: ${textColour});`
  const result = sass.compileString(source, {
    loadPaths: [path.join(here, 'src', 'scss'), path.join(here, 'node_modules')],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import']
  })
  if (/GDS Transport/.test(result.css)) fail('compiled CSS still names GDS Transport')
  fs.mkdirSync(path.join(outDir, 'css'), { recursive: true })
  fs.writeFileSync(path.join(outDir, 'css', 'site.css'), result.css)
}

// A signed-in page's navigation: the case and the account, the one the page
// belongs to (its metadata's "nav") marked current: aria-current="page" on
// that page itself, "true" on the pages under it (change your password...).
const SIGNED_IN_NAV = [['case', '/case.html', '{{t:layout.nav.case}}'], ['account', '/account.html', '{{t:layout.nav.account}}']]

function signedInItems(current, page) {
  if (current && !SIGNED_IN_NAV.some(([name]) => name === current)) fail(`unknown nav "${current}"`)
  return SIGNED_IN_NAV.map(([name, href, text]) => {
    const active = name === current
    return `<li class="govuk-service-navigation__item${active ? ' govuk-service-navigation__item--active' : ''}">` +
      `<a class="govuk-service-navigation__link" href="${href}"${active ? ` aria-current="${href === `/${page}.html` ? 'page' : 'true'}"` : ''}>${text}</a></li>`
  }).join('\n            ')
}

// The language toggle (English | Cymraeg): the other language's version of
// this page, marked with its language; a Welsh-first force lists Welsh first.
// page is the page's path without .html: 'help', or 'officer/index' in the console.
// (Each link's hidden words are in the language it leads to, as its lang says.)
const SWITCH_TO = { en: 'Change the language to English', cy: 'Newid yr iaith i’r Gymraeg' }

function languageToggle(config, page, lang) {
  const order = config.welshFirst ? ['cy', 'en'] : ['en', 'cy']
  const items = order.map((code) => {
    const name = code === 'cy' ? 'Cymraeg' : 'English'
    if (code === lang) {
      return `<li class="tmc-language-toggle__item"><span aria-current="true" lang="${code}">${name}</span></li>`
    }
    const href = code === 'en' ? `/!en/${page}.html` : `/${code}/${page}.html`
    return `<li class="tmc-language-toggle__item"><a class="govuk-link tmc-language-toggle__link" href="${href}" ` +
      `hreflang="${code}" lang="${code}" rel="alternate" data-tmc-language="${code}">` +
      `<span class="govuk-visually-hidden">${SWITCH_TO[code]} </span>` +
      `<span aria-hidden="true">${name}</span></a></li>`
  })
  return items.join('\n          ')
}

// prefix: where the pages are under the language's root ('officer/' for the console).
function buildPages(config, { layoutFile, pagesDir, into, titles, lang, messages, prefix = '' }) {
  const layout = fs.readFileSync(layoutFile, 'utf8')
  // A force's words in Welsh (its name, phone description...) are in its config's "cy".
  const words = lang === 'en' ? config : { ...config, ...(config.cy || {}) }
  const values = Object.fromEntries(Object.entries(words)
    .filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, escapeHtml(v)]))
  const signIn = config.officerSignIn
  Object.assign(values, {
    officerAuthority: escapeHtml(signIn.authority),
    officerClientId: escapeHtml(signIn.clientId),
    officerScope: escapeHtml(signIn.scope),
    // Numbers a person on a phone can tap to call; the support page's lists; the review scheme's wording.
    phoneLink: phoneLink(config.phone),
    phoneDigits: escapeHtml(config.phone.replace(/\D/g, '')),
    emergencyPhoneDigits: escapeHtml(config.emergencyPhone.replace(/\D/g, '')),
    emergencyPhoneLink: phoneLink(config.emergencyPhone),
    supportServices: renderSupportServices(config.support.services, { lang, messages }),
    ...reviewValues(config.rightToReview, lang)
  })
  fs.mkdirSync(into, { recursive: true })
  let count = 0
  for (const name of fs.readdirSync(pagesDir).filter((f) => f.endsWith('.html')).sort()) {
    const { meta, body } = readPage(path.join(pagesDir, name))
    if (!meta.title) fail(`${name} has no title`)
    // A title is a message key ("t:sign_in.title") or English.
    const title = meta.title.startsWith('t:') ? translate(`{{${meta.title}}}`, messages, name) : meta.title
    const titleKey = `${lang}:${title}`
    if (titles.has(titleKey)) fail(`${name} repeats the title of ${titles.get(titleKey)}`)
    titles.set(titleKey, name)
    const page = name.replace(/\.html$/, '')
    const pageValues = {
      ...values,
      lang,
      otherLang: lang === 'en' ? 'cy' : 'en',
      enHref: `/!en/${prefix}${page}.html`,
      cyHref: `/cy/${prefix}${page}.html`,
      languageToggle: languageToggle(config, `${prefix}${page}`, lang),
      title: escapeHtml(title),
      page,
      robots: meta.index ? 'index, follow' : 'noindex, nofollow',
      navHelp: page === 'help' ? ' govuk-service-navigation__item--active' : '',
      navHelpCurrent: page === 'help' ? ' aria-current="page"' : '',
      signedInItems: meta.signedIn ? signedInItems(meta.nav, page) : '',
      signOutItem: meta.signedIn
        ? '<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="/signed-out.html" data-tmc-sign-out>{{t:layout.nav.sign_out}}</a></li>'
        : ''
    }
    // Partials, then messages (whose text may hold {{name}} placeholders), then values.
    const content = fill(translate(includePartials(body, name), messages, name), pageValues, name)
    const shell = translate(fill(translate(layout, messages, 'layout.html'), { ...pageValues, content: '\u0000' }, 'layout.html'), messages, 'layout.html')
    const html = localiseLinks(shell.replace('\u0000', content), lang)
    checkNoInlineCode(html, name)
    fs.writeFileSync(path.join(into, name), html)
    count += 1
  }
  return count
}

// oidc-client-ts's ES module imports jwt-decode by its bare name, which a
// browser cannot resolve without an import map (an inline script, which the
// CSP forbids): both are copied into assets/vendor/ and the import pointed at
// the copy. Their licences go with them.
function copyOidcClient() {
  const vendor = path.join(outDir, 'assets', 'vendor')
  fs.mkdirSync(vendor, { recursive: true })
  const modules = path.join(here, 'node_modules')
  const client = fs.readFileSync(path.join(modules, 'oidc-client-ts', 'dist', 'esm', 'oidc-client-ts.js'), 'utf8')
  const rewritten = client.replace(/from\s*["']jwt-decode["']/g, 'from "./jwt-decode.js"')
  if (/^\s*(import|export)\b[^;\n]*from\s*["'][^./]/m.test(rewritten)) {
    fail('oidc-client-ts imports a module the build does not copy')
  }
  fs.writeFileSync(path.join(vendor, 'oidc-client-ts.js'), rewritten.replace(/\/\/# sourceMappingURL=.*$/m, ''))
  fs.copyFileSync(path.join(modules, 'jwt-decode', 'build', 'esm', 'index.js'), path.join(vendor, 'jwt-decode.js'))
  fs.copyFileSync(path.join(modules, 'oidc-client-ts', 'LICENSE'), path.join(vendor, 'oidc-client-ts.LICENSE.txt'))
  fs.copyFileSync(path.join(modules, 'jwt-decode', 'LICENSE'), path.join(vendor, 'jwt-decode.LICENSE.txt'))
  const version = (name) =>
    JSON.parse(fs.readFileSync(path.join(modules, name, 'package.json'), 'utf8')).version
  return `oidc-client-ts ${version('oidc-client-ts')}`
}

function main() {
  const config = loadConfig()
  fs.rmSync(outDir, { recursive: true, force: true })
  fs.mkdirSync(outDir, { recursive: true })

  // govuk-frontend's dist: its CSS (compiled below) refers to /assets/ at
  // the site root, and its JS is an ES module we import from /assets/.
  copyDir(path.join(govukDist, 'assets'), path.join(outDir, 'assets'))
  for (const file of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
    fs.copyFileSync(path.join(govukDist, file), path.join(outDir, 'assets', file))
  }

  copyDir(path.join(here, 'src', 'js'), path.join(outDir, 'js'), isNotTest)
  fs.mkdirSync(path.join(outDir, 'images'), { recursive: true })
  fs.copyFileSync(
    path.resolve(path.dirname(configPath), config.logo),
    path.join(outDir, 'images', 'force-logo.svg')
  )

  buildCss(config)
  const titles = new Map()
  // Every victim page in each language: English at /, Welsh at /cy/. The
  // scripts' words go to /js/locale/catalogues.mjs (main.mjs installs the page's).
  let count = 0
  const scripts = {}
  for (const lang of LANGUAGES) {
    const messages = loadCatalogue(lang)
    scripts[lang] = pick(lang, 'js')
    count += buildPages(config, {
      layoutFile: path.join(here, 'src', 'layout.html'),
      pagesDir: path.join(here, 'src', 'pages'),
      into: lang === 'en' ? outDir : path.join(outDir, lang),
      titles,
      lang,
      messages
    })
  }
  fs.mkdirSync(path.join(outDir, 'js', 'locale'), { recursive: true })
  fs.writeFileSync(path.join(outDir, 'js', 'locale', 'catalogues.mjs'),
    '// Written by build.mjs from site/locale/*/js*.po: do not edit.\n' +
    `export default ${JSON.stringify(scripts)}\n`)
  // The officer console in each language too: English at /officer/, Welsh at
  // /cy/officer/ (its words in locale/<lang>/officer.po and js-officer.po).
  let officerCount = 0
  for (const lang of LANGUAGES) {
    officerCount += buildPages(config, {
      layoutFile: path.join(here, 'src', 'officer', 'layout.html'),
      pagesDir: path.join(here, 'src', 'officer', 'pages'),
      into: lang === 'en' ? path.join(outDir, 'officer') : path.join(outDir, lang, 'officer'),
      titles,
      lang,
      messages: loadCatalogue(lang),
      prefix: 'officer/'
    })
  }
  const oidc = copyOidcClient()
  const version = JSON.parse(
    fs.readFileSync(path.join(here, 'node_modules', 'govuk-frontend', 'package.json'), 'utf8')
  ).version
  console.log(`site build: ${count} pages and ${officerCount} officer console pages for ${config.forceName}` +
    ` into ${outDir} (govuk-frontend ${version}, ${oidc})`)
}

main()
