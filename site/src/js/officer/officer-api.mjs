import { exchange } from '../api.mjs'

// Calls to the API as the signed-in officer: on this site's origin under
// /api/, with the access token as a Bearer header. The token is passed in by
// whoever holds it (memory only), never stored here.

/**
 * @param {{token: () => string | null, fetch?: typeof fetch, onSignedOut?: () => void}} options
 *   token: the current access token; onSignedOut: called when a GET finds the
 *   sign-in over (no token, or a 401), so the console can ask the officer to
 *   sign in again. A POST then answers 401 without sending anything and
 *   without onSignedOut: the form that sent it says so and keeps what the
 *   officer wrote (a new page would lose it).
 */
export function officerApi({ token, fetch: fetchImpl = (...args) => fetch(...args), onSignedOut = () => {} }) {
  async function request(method, path, body) {
    const signedOut = () => {
      if (method === 'GET') onSignedOut()
    }
    const current = token()
    if (!current) {
      signedOut()
      return { status: 401, body: null }
    }
    const answer = await exchange(method, path, body, {
      credentials: 'omit', headers: { Authorization: `Bearer ${current}` }, fetchImpl
    })
    if (answer.status === 401) signedOut()
    return answer
  }
  return {
    get: (path) => request('GET', path),
    post: (path, body = {}) => request('POST', path, body)
  }
}
