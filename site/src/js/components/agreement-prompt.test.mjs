import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage } from '../../../test-support/dom.mjs'
import { AgreementPrompt } from './agreement-prompt.mjs'

let browser = null
afterEach(() => browser && browser.restore())

async function prompt(status, body) {
  const document = loadPage('case')
  browser = installBrowser(document, { answer: () => ({ status, body }) })
  const root = document.querySelector('[data-module="tmc-agreement-prompt"]')
  const component = new AgreementPrompt(root)
  return { shown: await component.ready, root }
}

describe('AgreementPrompt on the case page', () => {
  it('asks the person to choose how we contact them until they have', async () => {
    const { shown, root } = await prompt(200, { channels: 'both', agreed: false })
    assert.equal(shown, true)
    assert.equal(root.hidden, false)
    assert.deepEqual(browser.calls.map((c) => c.url), ['/api/victim/account'])
  })

  it('says nothing once they have chosen, or when the account cannot be read', async () => {
    assert.equal((await prompt(200, { channels: 'both', agreed: true })).shown, false)
    browser.restore()
    assert.equal((await prompt(401, {})).shown, false)
    browser.restore()
    assert.equal((await prompt(503, {})).root.hidden, true)
  })
})
