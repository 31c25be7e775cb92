// A form on a signed-in page of "Your account" (change password, change
// email address or mobile number, safe contact, stop using the service): sent
// as JSON like every form (FormComponent), with what a signed-in page adds:
// a 401 means the session has ended, so the person is taken to the page that
// says so and lets them sign in again, rather than shown a form error.
//
//   change-password.html  data-endpoint="/victim/password" data-success-status="204"
//                         data-success-state="done" data-session="ends"
import { FormComponent } from '../forms.mjs'
import { pagePath } from '../i18n.mjs'

/** Where a signed-in page goes when the API says the session has ended. */
export const SIGNED_OUT_PAGE = '/timed-out.html'

export class AccountForm extends FormComponent {
  static moduleName = 'tmc-account-form'

  constructor(root) {
    super(root)
    this.listen()
  }

  answer(status) {
    if (status !== 401) return false
    window.location.replace(pagePath(SIGNED_OUT_PAGE))
    return true
  }
}
