import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { loadCatalogue } from './catalogue.mjs'
import { phoneLink, renderSupportServices, reviewValues, supportProblems } from './support.mjs'

const site = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const configDir = path.join(site, 'config')
const demo = () => JSON.parse(fs.readFileSync(path.join(configDir, 'default.json'), 'utf8'))

/** The demo config with `change` applied to a copy. */
function changed(change) {
  const config = demo()
  change(config)
  return config
}

describe('supportProblems', () => {
  for (const file of fs.readdirSync(configDir).filter((f) => f.endsWith('.json'))) {
    it(`finds nothing wrong with config/${file}`, () => {
      const config = JSON.parse(fs.readFileSync(path.join(configDir, file), 'utf8'))
      assert.deepEqual(supportProblems(config), [])
    })
  }

  it('refuses a config without support or rightToReview', () => {
    assert.match(supportProblems(changed((c) => delete c.support))[0], /^support is missing/)
    assert.deepEqual(supportProblems(changed((c) => delete c.rightToReview)),
      ['rightToReview is missing: the time limits and how to ask for a review (see config/README.md)'])
  })

  it('needs a general, a domestic abuse and a sexual violence service', () => {
    const problems = supportProblems(changed((c) => {
      c.support.services = c.support.services.filter((s) => s.kind === 'general')
    }))
    assert.deepEqual(problems, [
      'support.services has no "domestic-abuse" service',
      'support.services has no "sexual-violence" service'
    ])
    assert.deepEqual(supportProblems(changed((c) => { c.support.services = [] })).slice(0, 1),
      ['support.services must list at least one service'])
  })

  it('names the service and the key that is wrong', () => {
    const problems = supportProblems(changed((c) => {
      Object.assign(c.support.services[1], { phone: '0808-2000-247', kind: 'victims', website: 'http://example.com' })
      delete c.support.services[1].hours
    }))
    assert.deepEqual(problems, [
      'support.services[1].kind must be one of general, domestic-abuse, sexual-violence, other',
      'support.services[1].phone must be a phone number: digits and single spaces, as "0808 2000 247"',
      'support.services[1].hours must say when it is open, in at most 120 characters',
      'support.services[1].website must be an https:// address'
    ])
  })

  it('refuses unknown keys (a misspelt one would be silently left out)', () => {
    const problems = supportProblems(changed((c) => {
      c.support.services[0].openingHours = 'Always'
      c.support.intro = 'x'
      c.rightToReview.policeTimeLimit = '3 months'
    }))
    assert.deepEqual(problems, [
      'support has unknown keys: intro',
      'support.services[0] has unknown keys: openingHours',
      'rightToReview has unknown keys: policeTimeLimit'
    ])
  })

  it('needs every part of the review scheme wording, as text', () => {
    const problems = supportProblems(changed((c) => {
      c.rightToReview.policeRequestWithin = ''
      c.rightToReview.cpsAskWithin = 5
    }))
    assert.deepEqual(problems, [
      'rightToReview.policeRequestWithin must be text of at most 400 characters',
      'rightToReview.cpsAskWithin must be text of at most 400 characters'
    ])
  })

  it('needs every service’s description and hours in Welsh, naming the key that is missing', () => {
    const problems = supportProblems(changed((c) => {
      delete c.support.services[0].cy
      delete c.support.services[2].cy.hours
      c.support.services[3].cy.description = ''
    }))
    assert.deepEqual(problems, [
      'support.services[0].cy.description must be the description in Welsh, text of at most 300 characters',
      'support.services[0].cy.hours must say when it is open in Welsh, in at most 120 characters',
      'support.services[2].cy.hours must say when it is open in Welsh, in at most 120 characters',
      'support.services[3].cy.description must be the description in Welsh, text of at most 300 characters'
    ])
  })

  it('refuses a Welsh part that is not an object or has a key it does not know', () => {
    const problems = supportProblems(changed((c) => {
      c.support.services[0].cy = 'Cymorth'
      c.support.services[1].cy.website = 'https://example.com'
    }))
    assert.deepEqual(problems, [
      'support.services[0].cy must be an object of the service\'s words in Welsh',
      'support.services[1].cy has unknown keys: website'
    ])
  })

  it('needs the review scheme wording in Welsh too', () => {
    assert.deepEqual(supportProblems(changed((c) => { delete c.rightToReview.cy.cpsLatest })),
      ['rightToReview.cy.cpsLatest must be the wording in Welsh, text of at most 400 characters'])
    assert.equal(supportProblems(changed((c) => { delete c.rightToReview.cy })).length, 5)
    assert.deepEqual(supportProblems(changed((c) => { c.rightToReview.cy.policeTimeLimit = '3 mis' })),
      ['rightToReview.cy has unknown keys: policeTimeLimit'])
  })

  it('refuses a phone number that is too short, or an example flag that is not true or false', () => {
    const problems = supportProblems(changed((c) => {
      c.support.services[0].phone = '12'
      c.support.services[0].example = 'yes'
    }))
    assert.equal(problems.length, 2)
  })
})

describe('the support page lists', () => {
  const english = { lang: 'en', messages: loadCatalogue('en') }
  const welsh = { lang: 'cy', messages: loadCatalogue('cy') }

  it('groups services by kind under headings, in the order of the page, with tap-to-call numbers', () => {
    const html = renderSupportServices(demo().support.services, english)
    const headings = [...html.matchAll(/<h2[^>]*>([^<]+)<\/h2>/g)].map((m) => m[1])
    assert.deepEqual(headings,
      ['Help for anyone affected by crime', 'Domestic abuse', 'Rape and sexual violence', 'Other help'])
    assert.match(html, /<a class="govuk-link tmc-phone" href="tel:08081689111">08 08 16 89 111<\/a>/)
  })

  it('marks a demonstration service as an example, and escapes what the config says', () => {
    const html = renderSupportServices([{
      name: 'Local <b>help</b>', kind: 'general', description: 'A & B', phone: '01632 960 100',
      hours: 'Weekdays', example: true
    }], english)
    assert.match(html, /Local &lt;b&gt;help&lt;\/b&gt; <strong class="govuk-tag govuk-tag--grey">Example service<\/strong>/)
    assert.match(html, /A &amp; B/)
    assert.doesNotMatch(html, /<h2[^>]*>Domestic abuse/)
  })

  it('in Welsh, uses the Welsh words and each service’s Welsh text, and its Welsh name if it has one', () => {
    const html = renderSupportServices(demo().support.services, welsh)
    const headings = [...html.matchAll(/<h2[^>]*>([^<]+)<\/h2>/g)].map((m) => m[1])
    assert.deepEqual(headings,
      ['Help i unrhyw un y mae trosedd wedi effeithio arno', 'Cam-drin domestig', 'Treisio a thrais rhywiol', 'Help arall'])
    assert.match(html, /<h3 class="govuk-summary-card__title">Cymorth i Ddioddefwyr<\/h3>/)
    assert.match(html, /Gwefan Cymorth i Ddioddefwyr<\/a>/)
    assert.match(html, /<h3 class="govuk-summary-card__title">National Domestic Abuse Helpline<\/h3>/)
    assert.match(html, /Mae’r llinell gymorth ar agor 24 awr y dydd/)
    assert.match(html, /Gofal Dioddefwyr Demoshire <strong class="govuk-tag govuk-tag--grey">Gwasanaeth enghreifftiol<\/strong>/)
    assert.match(html, /<dt class="govuk-summary-list__key">Oriau agor<\/dt>/)
    assert.match(html, /href="tel:08081689111">08 08 16 89 111<\/a>/)
    assert.doesNotMatch(html, /Free, confidential|Opening hours/)
  })

  it('makes any number a tel: link and the review wording placeholders, in either language', () => {
    assert.equal(phoneLink('999'), '<a class="govuk-link tmc-phone" href="tel:999">999</a>')
    assert.equal(reviewValues(demo().rightToReview).reviewPoliceRequestWithin, '3 months')
    assert.equal(reviewValues(demo().rightToReview, 'cy').reviewPoliceRequestWithin, '3 mis')
    assert.equal(reviewValues(demo().rightToReview, 'cy').reviewCpsAskWithin, '5 diwrnod gwaith')
  })
})

describe('the build', () => {
  it('fails on a bad support config, saying what is wrong', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tmc-config-'))
    const config = changed((c) => { c.support.services[0].phone = 'call us' })
    config.logo = path.join(configDir, config.logo)
    fs.writeFileSync(path.join(dir, 'force.json'), JSON.stringify(config))
    const run = spawnSync(process.execPath,
      ['build.mjs', '--config', path.join(dir, 'force.json'), '--out', path.join(dir, 'dist')],
      { cwd: site, encoding: 'utf8' })
    fs.rmSync(dir, { recursive: true, force: true })
    assert.equal(run.status, 1)
    assert.match(run.stderr, /support\.services\[0\]\.phone must be a phone number/)
  })
})
