// Register, and choose a new password: both are opened from a link in an
// email that carries a one-time token in its fragment (#invitation=… or
// #token=…), send it with the form, and show what to do instead when the link
// has no token or the API says the token cannot be used. Set on the root:
//
//   register.html        data-token="invitation" data-endpoint="/victim/register"
//                        data-success-status="201" data-success-state="done"
//   reset-password.html  data-token="token" data-endpoint="/victim/password-reset/complete"
//                        data-success-status="204" data-success-state="done" data-session="ends"
//
// The root holds the parts "no-NAME" (no token in the link) and "bad-NAME"
// (the API refused it; its [data-tmc-message] shows why), NAME being data-token.
import { takeFragmentToken } from '../api.mjs'
import { FormComponent } from '../forms.mjs'

export class TokenForm extends FormComponent {
  static moduleName = 'tmc-token-form'

  constructor(root) {
    super(root)
    this.tokenName = this.setting('token')
    this.requiredState(`no-${this.tokenName}`)
    this.requiredState(`bad-${this.tokenName}`)
    const message = `[data-tmc-state="bad-${this.tokenName}"] [data-tmc-message]`
    this.badMessage = this.required(message, `the message of the "bad-${this.tokenName}" part (\`${message}\`)`)
    const token = takeFragmentToken(this.tokenName)
    if (!token) {
      this.showState(`no-${this.tokenName}`)
      return
    }
    this.listen({ [this.tokenName]: token })
  }

  // Nothing the person can type fixes a token the API refused: say so, and what to do.
  answer(status, body) {
    const problem = status === 400 && body && body.fields && body.fields[this.tokenName]
    if (!problem) return false
    this.showState(`bad-${this.tokenName}`)
    this.badMessage.textContent = problem
    return true
  }
}
