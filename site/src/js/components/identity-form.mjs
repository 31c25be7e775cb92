// Sign in, and ask for a password reset link: both forms ask who the person
// is (surname, crime number, date of birth; signing in adds the password) and
// differ only in where they send it and what follows, set on the root:
//
//   sign-in.html             data-endpoint="/victim/sign-in" data-success-status="200"
//                            data-success-page="/case.html" data-session="begins"
//   forgotten-password.html  data-endpoint="/victim/password-reset" data-success-status="202"
//                            data-success-state="sent"
import { FormComponent, showErrors } from '../forms.mjs'

export const MISMATCH = 'The details you entered do not match our records'

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
  answer(status, body) {
    if (status !== 401) return false
    const message = (body && body.message) || MISMATCH
    showErrors(this.form, this.errors, [{ field: this.firstField, message }], { inline: false })
    return true
  }
}
