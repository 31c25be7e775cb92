// Sign in, and ask for a password reset link: both forms ask who the person
// is (surname, crime number, date of birth; signing in adds the password) and
// differ only in where they send it and what follows, set on the root:
//
//   sign-in.html             data-endpoint="/victim/sign-in" data-success-status="200"
//                            data-success-page="/case.html" data-session="begins"
//   forgotten-password.html  data-endpoint="/victim/password-reset" data-success-status="202"
//                            data-success-state="sent"
import { el, FormComponent, showErrors } from '../forms.mjs'
import { pagePath, t } from '../i18n.mjs'

// The page shows the catalogue's words (js.sign_in.mismatch and .paused, in
// the page's language); these are their English, which the tests compare with.
export const MISMATCH = 'We could not sign you in with those details. Check your surname, crime number, date of birth and password, then try again.'
export const PAUSED = 'You have tried to sign in too many times. Wait 10 minutes, then try again.'

export class IdentityForm extends FormComponent {
  static moduleName = 'tmc-identity-form'

  constructor(root) {
    super(root)
    this.firstField = this.required('[data-field]', 'a field (`[data-field]`)').dataset.field
    this.listen()
  }

  // 401 is the answer when the details match no account (only signing in
  // gives it: a reset request always gets the same answer). The message is
  // the same for every kind of mismatch, so it names no field and no field
  // is marked: a failed sign-in must not suggest which answer was wrong. Its
  // link takes the person back to the start of the form.
  //
  // 429 (sign_in_paused) is the answer after too many attempts at these details
  // or from this connection: the only one told to wait. Both offer the reset
  // right there, since a forgotten password is the usual reason.
  answer(status, body) {
    const paused = status === 429 && body && body.code === 'sign_in_paused'
    if (status !== 401 && !paused) return false
    const message = (body && body.message) || t(paused ? 'js.sign_in.paused' : 'js.sign_in.mismatch')
    const link = el('a', { class: 'govuk-link', href: pagePath('/forgotten-password.html') }, t('js.sign_in.reset_link'))
    const [before, after] = t('js.sign_in.forgotten').split('{link}')
    const reset = el('p', { class: 'govuk-body' }, ...[before, link, after ?? ''].filter((part) => part !== ''))
    showErrors(this.form, this.errors, [{ field: this.firstField, message }], { inline: false, after: [reset] })
    return true
  }
}
