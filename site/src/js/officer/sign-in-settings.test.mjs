import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clientSettings, isSignInAnswer, keepLanguage, officerPath, signInProblem, welshPageFor } from './sign-in-settings.mjs'

const ORIGIN = 'https://track.example.police.uk'

describe('clientSettings', () => {
  it('uses the authorization code flow, returning to the console on this origin', () => {
    const settings = clientSettings({ authority: 'https://login.example.com/tenant/v2.0/', clientId: 'abc', scope: 'openid profile' }, ORIGIN)
    assert.equal(settings.authority, 'https://login.example.com/tenant/v2.0')
    assert.equal(settings.response_type, 'code')
    assert.equal(settings.client_id, 'abc')
    assert.equal(settings.redirect_uri, `${ORIGIN}/officer/index.html`)
    assert.equal(settings.post_logout_redirect_uri, `${ORIGIN}/officer/signed-out.html`)
  })

  it('puts an authority given as a path on this origin (the development issuer)', () => {
    assert.equal(clientSettings({ authority: '/oidc', clientId: 'c', scope: 'openid' }, 'http://127.0.0.1:8080').authority,
      'http://127.0.0.1:8080/oidc')
  })

  it('renews nothing in a frame and asks for no user info', () => {
    const settings = clientSettings({ authority: '/oidc', clientId: 'c', scope: 'openid' }, ORIGIN)
    assert.equal(settings.automaticSilentRenew, false)
    assert.equal(settings.monitorSession, false)
    assert.equal(settings.loadUserInfo, false)
  })

  it('refuses a configuration with a part missing', () => {
    assert.throws(() => clientSettings({ authority: '/oidc', clientId: '', scope: 'openid' }, ORIGIN), /all needed/)
  })
})

describe('isSignInAnswer', () => {
  it("knows the provider's answer, a code or an error with its state", () => {
    assert.equal(isSignInAnswer('?code=x&state=y'), true)
    assert.equal(isSignInAnswer('?error=access_denied&state=y'), true)
    assert.equal(isSignInAnswer('?code=x'), false)
    assert.equal(isSignInAnswer(''), false)
  })
})

describe('signInProblem', () => {
  it('tells an officer who cancelled how to carry on', () => {
    assert.match(signInProblem({ error: 'access_denied' }), /^You did not sign in\./)
  })

  it('tells them what to do when anything else went wrong', () => {
    assert.match(signInProblem(new Error('x')), /Try again\. If it keeps happening, contact your IT service desk\.$/)
  })
})

describe('Welsh and the registered (English) addresses', () => {
  const at = (pathname, search = '', hash = '') => ({ pathname, search, hash })

  it('sends a Welsh-speaking officer on to the Welsh console with the sign-in answer, unread', () => {
    assert.equal(welshPageFor(at('/officer/index.html', '?code=abc&state=xyz'), 'cy'), '/cy/officer/index.html?code=abc&state=xyz')
    assert.equal(welshPageFor(at('/officer/index.html', '?error=access_denied&state=xyz', '#inbox'), 'cy'),
      '/cy/officer/index.html?error=access_denied&state=xyz#inbox')
  })

  it('leaves the English console alone without a sign-in answer, or for an officer whose language is not Welsh', () => {
    assert.equal(welshPageFor(at('/officer/index.html', '', '#case/LC-1'), 'cy'), null)
    assert.equal(welshPageFor(at('/officer/index.html', '?code=abc&state=xyz'), 'en'), null)
    assert.equal(welshPageFor(at('/officer/index.html', '?code=abc&state=xyz'), null), null)
    assert.equal(welshPageFor(at('/cy/officer/index.html', '?code=abc&state=xyz'), 'cy'), null)
  })

  it('sends a Welsh-speaking officer signed out or timed out to the Welsh page saying so', () => {
    assert.equal(welshPageFor(at('/officer/signed-out.html', '?state=s'), 'cy'), '/cy/officer/signed-out.html?state=s')
    assert.equal(welshPageFor(at('/officer/timed-out.html'), 'cy'), '/cy/officer/timed-out.html')
    assert.equal(welshPageFor(at('/officer/timed-out.html'), 'en'), null)
    assert.equal(welshPageFor(at('/help.html'), 'cy'), null)
  })

  it('keeps the redirect and sign-out addresses English, as registered', () => {
    const settings = clientSettings({ authority: '/oidc', clientId: 'c', scope: 'openid' }, ORIGIN)
    assert.equal(settings.redirect_uri, `${ORIGIN}/officer/index.html`)
    assert.equal(officerPath('/officer/signed-out.html', 'cy'), '/cy/officer/signed-out.html')
    assert.equal(officerPath('/officer/signed-out.html', 'en'), '/officer/signed-out.html')
  })
})

describe('keepLanguage', () => {
  function storage(initial = {}) {
    const items = new Map(Object.entries(initial))
    return {
      items,
      getItem: (key) => (items.has(key) ? items.get(key) : null),
      setItem: (key, value) => items.set(key, String(value))
    }
  }

  it('remembers Welsh as the toggle does, before leaving a Welsh page for the identity provider', () => {
    const store = storage()
    keepLanguage(store, 'cy')
    assert.equal(store.items.get('tmc-language'), 'cy')
  })

  it('stores nothing for English when nothing is remembered, and English over a remembered Welsh', () => {
    const none = storage()
    keepLanguage(none, 'en')
    assert.equal(none.items.size, 0)
    const welsh = storage({ 'tmc-language': 'cy' })
    keepLanguage(welsh, 'en')
    assert.equal(welsh.items.get('tmc-language'), 'en')
  })

  it('carries on when storage is refused', () => {
    keepLanguage(null, 'cy')
    keepLanguage({ getItem: () => { throw new Error('refused') }, setItem: () => { throw new Error('refused') } }, 'cy')
  })
})
