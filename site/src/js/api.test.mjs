import assert from 'node:assert/strict'
import { afterEach, describe, it } from 'node:test'
import { FakeDocument, installBrowser } from '../../test-support/dom.mjs'
import {
  forgetSession, get, parseTimings, post, rememberSession, sessionTimings, signOut, takeFragmentToken, tokenFromFragment
} from './api.mjs'

let browser = null
afterEach(() => browser && browser.restore())

describe('tokenFromFragment', () => {
  it('reads the named token', () => {
    assert.equal(tokenFromFragment('#invitation=abc.DEF-123', 'invitation'), 'abc.DEF-123')
    assert.equal(tokenFromFragment('#a=1&token=xyz', 'token'), 'xyz')
  })

  it('is null for a missing, empty or blank token, or another name', () => {
    for (const hash of ['', '#', '#invitation=', '#invitation=%20%20', '#token=abc']) {
      assert.equal(tokenFromFragment(hash, 'invitation'), null, hash)
    }
  })

  it('trims the token', () => {
    assert.equal(tokenFromFragment('#token=%20abc%20', 'token'), 'abc')
  })
})

describe('takeFragmentToken', () => {
  it('removes the fragment from the address, token or not', () => {
    browser = installBrowser(new FakeDocument(), { hash: '#invitation=abc' })
    assert.equal(takeFragmentToken('invitation'), 'abc')
    assert.equal(browser.location.hash, '')
    assert.equal(browser.replacedUrl, '/page.html')

    browser.location.hash = '#other=1'
    assert.equal(takeFragmentToken('invitation'), null)
    assert.equal(browser.location.hash, '')
  })
})

describe('session timings', () => {
  it('default to 15 minutes idle and no known end', () => {
    assert.deepEqual(parseTimings(null, null), { idleTimeoutSeconds: 900, expiresAt: null })
    assert.deepEqual(parseTimings('0', 'not a date'), { idleTimeoutSeconds: 900, expiresAt: null })
    assert.deepEqual(parseTimings('-5', ''), { idleTimeoutSeconds: 900, expiresAt: null })
  })

  it('come back as they were remembered', () => {
    browser = installBrowser(new FakeDocument())
    rememberSession({ idleTimeoutSeconds: 600, expiresAt: '2026-03-01T12:00:00Z' })
    assert.deepEqual(sessionTimings(), { idleTimeoutSeconds: 600, expiresAt: Date.parse('2026-03-01T12:00:00Z') })
    forgetSession()
    assert.deepEqual(sessionTimings(), { idleTimeoutSeconds: 900, expiresAt: null })
  })

  it('ignore values of the wrong type', () => {
    browser = installBrowser(new FakeDocument())
    rememberSession({ idleTimeoutSeconds: '600', expiresAt: 12 })
    assert.deepEqual(sessionTimings(), { idleTimeoutSeconds: 900, expiresAt: null })
  })

  it('fall back to the defaults when storage is refused', () => {
    browser = installBrowser(new FakeDocument())
    globalThis.sessionStorage = { getItem() { throw new Error('refused') }, setItem() { throw new Error('refused') } }
    rememberSession({ idleTimeoutSeconds: 600 })
    assert.deepEqual(sessionTimings(), { idleTimeoutSeconds: 900, expiresAt: null })
  })
})

describe('requests', () => {
  it('post JSON to /api on this origin, with the cookie, and read the JSON answer', async () => {
    browser = installBrowser(new FakeDocument(), { answer: () => ({ status: 400, body: { fields: { a: 'b' } } }) })
    const answer = await post('/victim/sign-in', { surname: 'Okafor' })
    assert.deepEqual(answer, { status: 400, body: { fields: { a: 'b' } } })
    const [call] = browser.calls
    assert.equal(call.url, '/api/victim/sign-in')
    assert.equal(call.method, 'POST')
    assert.equal(call.credentials, 'same-origin')
    assert.equal(call.cache, 'no-store')
    assert.equal(call.headers['Content-Type'], 'application/json')
    assert.deepEqual(call.body, { surname: 'Okafor' })
  })

  it('get without a body', async () => {
    browser = installBrowser(new FakeDocument(), { answer: () => ({ status: 200, body: { crimeNumber: 'LC-1' } }) })
    assert.deepEqual(await get('/victim/case'), { status: 200, body: { crimeNumber: 'LC-1' } })
    assert.equal(browser.calls[0].method, 'GET')
    assert.equal(browser.calls[0].body, undefined)
    assert.equal(browser.calls[0].headers['Content-Type'], undefined)
  })

  it('answer status 0 when the network fails, and a null body when the answer is not JSON', async () => {
    browser = installBrowser(new FakeDocument(), { answer: () => ({ status: 0 }) })
    assert.deepEqual(await post('/victim/register', {}), { status: 0, body: null })
    browser.restore()
    browser = installBrowser(new FakeDocument(), { answer: () => ({ status: 204 }) })
    assert.deepEqual(await post('/victim/password-reset/complete', {}), { status: 204, body: null })
  })

  it('signOut forgets the timings and posts the sign-out, to outlive the page when asked', async () => {
    browser = installBrowser(new FakeDocument())
    rememberSession({ idleTimeoutSeconds: 600 })
    await signOut({ keepalive: true })
    assert.deepEqual(sessionTimings().idleTimeoutSeconds, 900)
    await signOut()
    assert.deepEqual(browser.calls.map((c) => [c.url, c.method, Boolean(c.keepalive)]),
      [['/api/victim/sign-out', 'POST', true], ['/api/victim/sign-out', 'POST', false]])
    assert.deepEqual(browser.calls.map((c) => c.body), [{}, {}])
  })
})
