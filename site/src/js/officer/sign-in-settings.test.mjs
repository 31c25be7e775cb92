import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clientSettings, isSignInAnswer, signInProblem } from './sign-in-settings.mjs'

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
