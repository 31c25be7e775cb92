import { forgetSession, post, takeFragmentToken } from '../api.mjs'
import { fieldErrors, handleSubmit, readText, serviceProblem, showErrors, showState } from '../forms.mjs'

export function start() {
  const token = takeFragmentToken('token')
  if (!token) {
    showState('no-token')
    return
  }
  const form = document.querySelector('[data-tmc-form="reset-password"]')
  const errors = document.querySelector('[data-tmc-errors]')
  handleSubmit(form, {
    body: (f) => ({ token, password: readText(f, 'password') }),
    send: (body) => post('/victim/password-reset/complete', body),
    onAnswer: ({ status, body }) => {
      if (status === 204) {
        form.reset()
        forgetSession()
        showState('done')
      } else if (status === 400 && body && body.fields && body.fields.token) {
        const bad = showState('bad-token')
        bad.querySelector('[data-tmc-message]').textContent = body.fields.token
      } else if (status === 400) {
        showErrors(form, errors, fieldErrors(form, body))
      } else {
        showErrors(form, errors, serviceProblem())
      }
    }
  })
}
