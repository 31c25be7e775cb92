import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { installBrowser, loadPage } from '../../../test-support/dom.mjs'
import { rememberSession } from '../api.mjs'
import { SignOutOnOpen } from './sign-out-on-open.mjs'

let browser = null
afterEach(() => browser.restore())

describe('SignOutOnOpen', () => {
  for (const page of ['signed-out', 'timed-out']) {
    it(`ends the session when the ${page} page opens`, async () => {
      const document = loadPage(page)
      browser = installBrowser(document)
      rememberSession({ idleTimeoutSeconds: 600, expiresAt: '2026-05-01T16:00:00Z' })
      const component = new SignOutOnOpen(document.querySelector('[data-module="tmc-sign-out-on-open"]'))
      await component.done
      assert.deepEqual(browser.calls.map((c) => [c.url, c.method, c.body]), [['/api/victim/sign-out', 'POST', {}]])
      assert.equal(browser.sessionStorage.getItem('tmc.expiresAt'), null)
    })
  }
})
