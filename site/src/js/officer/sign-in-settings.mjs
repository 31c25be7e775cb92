// The console's OIDC client settings (oidc-client-ts's UserManager) from the
// site config's officerSignIn and this page's origin. Authorization code with
// PKCE; no silent renew or session iframe (the CSP allows no frames, and a
// token that ends asks the officer to sign in again); no user info call.

export const CALLBACK_PATH = '/officer/index.html'
export const SIGNED_OUT_PATH = '/officer/signed-out.html'
export const TIMED_OUT_PATH = '/officer/timed-out.html'

/**
 * @param {{authority: string, clientId: string, scope: string}} config
 * @param {string} origin this page's origin, e.g. https://track.example.police.uk
 */
export function clientSettings({ authority, clientId, scope }, origin) {
  if (!authority || !clientId || !scope) throw new Error('officer sign-in: authority, client id and scope are all needed')
  return {
    // A path (the development issuer behind the local site server) is on this origin.
    authority: new URL(authority, origin).href.replace(/\/$/, ''),
    client_id: clientId,
    scope,
    response_type: 'code',
    redirect_uri: origin + CALLBACK_PATH,
    post_logout_redirect_uri: origin + SIGNED_OUT_PATH,
    automaticSilentRenew: false,
    monitorSession: false,
    loadUserInfo: false,
    revokeTokensOnSignout: false
  }
}

/** True if this address is the identity provider's answer to a sign-in (?code= or ?error=, with state). */
export function isSignInAnswer(search) {
  const params = new URLSearchParams(search)
  return params.has('state') && (params.has('code') || params.has('error'))
}

/** What to tell the officer when signing in did not finish. */
export function signInProblem(error) {
  const code = error && typeof error === 'object' ? error.error : null
  if (code === 'access_denied') return 'You did not sign in. Sign in to see your inbox.'
  return 'Signing in did not finish. Try again. If it keeps happening, contact your IT service desk.'
}
