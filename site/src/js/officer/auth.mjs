// The officer's sign-in, through oidc-client-ts (copied into /assets/vendor/
// by the build; nothing is loaded from another origin). The tokens live in
// memory only: an InMemoryWebStorage user store, so a reload or a new tab
// signs in again, and nothing is left in the browser's storage. Only the
// sign-in request's state and PKCE code verifier go to sessionStorage (they
// must survive the redirect to the identity provider and back; they are not
// tokens, and oidc-client-ts removes them when the answer is read).
import { InMemoryWebStorage, UserManager, WebStorageStateStore } from '/assets/vendor/oidc-client-ts.js'
import { clientSettings, isSignInAnswer, TIMED_OUT_PATH } from './sign-in-settings.mjs'

export class OfficerAuth {
  constructor(config, { onEnded = () => {} } = {}) {
    this.manager = new UserManager({
      ...clientSettings(config, window.location.origin),
      userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
      stateStore: new WebStorageStateStore({ store: window.sessionStorage })
    })
    this.user = null
    this.manager.events.addAccessTokenExpired(() => {
      this.forget()
      onEnded('expired')
    })
  }

  /** Finishes a sign-in if this address is the provider's answer: the user, or null if it is not one. Throws if it failed. */
  async completeSignIn() {
    if (!isSignInAnswer(window.location.search)) return null
    try {
      this.user = await this.manager.signinRedirectCallback()
    } finally {
      // The code and state leave the address bar and the history either way.
      window.history.replaceState(null, '', window.location.pathname)
    }
    return this.user
  }

  /** Goes to the identity provider; back at this page, at the view given by hash. */
  signIn(hash) {
    return this.manager.signinRedirect({ state: { hash } })
  }

  /** Ends the console's sign-in and the identity provider's session. */
  async signOut({ timedOut = false } = {}) {
    const extra = timedOut ? { post_logout_redirect_uri: window.location.origin + TIMED_OUT_PATH } : {}
    const idToken = this.user?.id_token
    this.forget()
    await this.manager.signoutRedirect({ ...extra, id_token_hint: idToken })
  }

  forget() {
    this.user = null
    this.manager.removeUser().catch(() => undefined)
  }

  accessToken() {
    return this.user && !this.user.expired ? this.user.access_token : null
  }

  /** The view to return to after signing in (from the state sent with the request). */
  returnHash() {
    const hash = this.user?.state?.hash
    return typeof hash === 'string' && hash.startsWith('#') ? hash : '#inbox'
  }

  profile() {
    return this.user?.profile || {}
  }
}
