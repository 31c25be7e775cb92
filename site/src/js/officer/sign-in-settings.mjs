// The console's OIDC client settings (oidc-client-ts's UserManager) from the
// site config's officerSignIn and this page's origin. Authorization code with
// PKCE; no silent renew or session iframe (the CSP allows no frames, and a
// token that ends asks the officer to sign in again); no user info call.
//
// The addresses the force registered with its identity provider are the
// English pages'. A Welsh-speaking officer still returns to them, and the
// English page sends the browser straight on to the Welsh one (welshPageFor),
// with the sign-in answer unread: the Welsh page completes the sign-in, so
// the tokens, held in memory only, are the Welsh page's.
import { rememberedLanguage, STORAGE_KEY } from '../components/language-toggle.mjs'
import { t } from '../i18n.mjs'

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
  if (code === 'access_denied') return t('js.officer.sign_in.access_denied')
  return t('js.officer.sign_in.failed')
}

/** A console page's address in a language: '/officer/index.html' is '/cy/officer/index.html' in Welsh. */
export function officerPath(path, lang) {
  return lang === 'cy' ? `/cy${path}` : path
}

/**
 * Where an English console page the identity provider returns to should send
 * an officer whose remembered language (the toggle's, see keepLanguage) is
 * Welsh: the Welsh page with the same query and fragment. For the console
 * itself, only with a sign-in answer (an officer may open the English console
 * on purpose); the signed-out and timed-out pages, always. null: stay here.
 * @param {{pathname: string, search: string, hash: string}} location
 * @param {string | null} remembered "en", "cy" or null
 */
export function welshPageFor({ pathname, search, hash }, remembered) {
  if (remembered !== 'cy') return null
  if (![CALLBACK_PATH, SIGNED_OUT_PATH, TIMED_OUT_PATH].includes(pathname)) return null
  if (pathname === CALLBACK_PATH && !isSignInAnswer(search)) return null
  return `${officerPath(pathname, 'cy')}${search || ''}${hash || ''}`
}

/**
 * Before leaving for the identity provider (to sign in or out), remembers the
 * page's language where the toggle does (localStorage "tmc-language"), so
 * the English page it returns to can send a Welsh-speaking officer on to the
 * Welsh one. English with nothing remembered stays unremembered: English is
 * where the provider returns anyway, and nothing need be stored.
 */
export function keepLanguage(storage, lang) {
  const remembered = rememberedLanguage(storage)
  if (remembered === lang || (lang === 'en' && remembered === null)) return
  try {
    storage.setItem(STORAGE_KEY, lang)
  } catch {
    // Not stored (private browsing, settings): the officer returns to the English page.
  }
}
