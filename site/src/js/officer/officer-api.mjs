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
    const init = {
      method,
      cache: 'no-store',
      credentials: 'omit',
      headers: { Accept: 'application/json', Authorization: `Bearer ${current}` }
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
    if (response.status === 401) signedOut()
    return { status: response.status, body: parsed }
  }
  return {
    get: (path) => request('GET', path),
    post: (path, body = {}) => request('POST', path, body)
  }
}
