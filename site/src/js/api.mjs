// Calls to the Track My Crime API on this site's own origin under /api/, so
// the session cookie (HttpOnly, SameSite=Strict) goes with them.

/**
 * @typedef {{status: number, body: any}} ApiAnswer
 * status is 0 when the network or the server failed to answer at all.
 */

/**
 * Sends a request to /api + path with the headers given (JSON in, JSON out),
 * and reads the answer; the site's pages and the officer console share it.
 * @returns {Promise<ApiAnswer>}
 */
import { currentLanguage } from './i18n.mjs'
export async function exchange(method, path, body, { headers = {}, credentials = 'same-origin', fetchImpl = fetch } = {}) {
  // The API answers (its error and field messages) in the page's language.
  const init = {
    method, credentials, cache: 'no-store',
    headers: { Accept: 'application/json', 'Accept-Language': currentLanguage(), ...headers }
  }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let response
  try {
    response = await fetchImpl(`/api${path}`, init)
  } catch {
    return { status: 0, body: null }
  }
  let parsed = null
  if ((response.headers.get('Content-Type') || '').includes('json')) {
    try {
      parsed = await response.json()
    } catch {
      parsed = null
    }
  }
  return { status: response.status, body: parsed }
}

function request(method, path, body) {
  return exchange(method, path, body, { fetchImpl: (...args) => fetch(...args) })
}

/** @returns {Promise<ApiAnswer>} */
export const post = (path, body = {}) => request('POST', path, body)

/** @returns {Promise<ApiAnswer>} */
export const put = (path, body = {}) => request('PUT', path, body)

/** @returns {Promise<ApiAnswer>} */
export const get = (path) => request('GET', path)

// Only timings live in sessionStorage (gone when the tab closes): nothing
// about the case, and never the session token, which scripts cannot read.
const IDLE_KEY = 'tmc.idleTimeoutSeconds'
const EXPIRES_KEY = 'tmc.expiresAt'

export function rememberSession({ idleTimeoutSeconds, expiresAt }) {
  try {
    if (Number.isFinite(idleTimeoutSeconds)) sessionStorage.setItem(IDLE_KEY, String(idleTimeoutSeconds))
    if (typeof expiresAt === 'string') sessionStorage.setItem(EXPIRES_KEY, expiresAt)
  } catch {
    // Storage can be refused (private modes); the defaults below then apply.
  }
}

/**
 * The session's timings from what rememberSession stored (null when nothing
 * was, or storage is refused): the idle timeout, 15 minutes unless told
 * otherwise, and the absolute end in epoch ms, or null if unknown.
 */
export function parseTimings(idleTimeoutSeconds, expiresAt) {
  const idle = Number(idleTimeoutSeconds)
  const expires = Date.parse(expiresAt || '')
  return {
    idleTimeoutSeconds: idle > 0 ? idle : 15 * 60,
    expiresAt: Number.isFinite(expires) ? expires : null
  }
}

export function sessionTimings() {
  try {
    return parseTimings(sessionStorage.getItem(IDLE_KEY), sessionStorage.getItem(EXPIRES_KEY))
  } catch {
    return parseTimings(null, null) // as above
  }
}

export function forgetSession() {
  try {
    sessionStorage.removeItem(IDLE_KEY)
    sessionStorage.removeItem(EXPIRES_KEY)
  } catch {
    // as above
  }
}

/** Ends the session on the server; used by sign-out, idle time-out and "leave quickly". */
export function signOut({ keepalive = false } = {}) {
  forgetSession()
  if (keepalive) {
    // The page is being left: this request must outlive it.
    return fetch('/api/victim/sign-out', {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: true,
      headers: { 'Content-Type': 'application/json' },
      body: '{}'
    }).catch(() => undefined)
  }
  return post('/victim/sign-out', {})
}

/**
 * Reads a one-time token from the address's fragment (#name=TOKEN), then
 * removes the fragment from the address bar and history, so it is not left
 * on a shared device or copied along with the address.
 */
export function takeFragmentToken(name) {
  const value = tokenFromFragment(window.location.hash, name)
  if (window.location.hash) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search)
  }
  return value
}

/** The token called name in a fragment such as "#invitation=TOKEN", or null. */
export function tokenFromFragment(hash, name) {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get(name)
  return value && value.trim() ? value.trim() : null
}
