import { post, rememberSession } from '../api.mjs'
import { fieldErrors, handleSubmit, readDate, readText, serviceProblem, showErrors } from '../forms.mjs'

export function start() {
  const form = document.querySelector('[data-tmc-form="sign-in"]')
  const errors = document.querySelector('[data-tmc-errors]')
  handleSubmit(form, {
    body: (f) => ({
      crimeNumber: readText(f, 'crimeNumber'),
      surname: readText(f, 'surname'),
      dateOfBirth: readDate(f, 'dateOfBirth'),
      password: readText(f, 'password')
    }),
    send: (body) => post('/victim/sign-in', body),
    onAnswer: ({ status, body }) => {
      if (status === 200) {
        rememberSession(body || {})
        window.location.assign('/case.html')
      } else if (status === 400) {
        showErrors(form, errors, fieldErrors(form, body))
      } else if (status === 401) {
        // One message for every kind of mismatch, so it names no field;
        // its link takes the person back to the start of the form.
        const message = (body && body.message) || 'The details you entered do not match our records'
        showErrors(form, errors, [{ field: 'surname', message }])
        clearInline(form)
      } else {
        showErrors(form, errors, serviceProblem())
      }
    }
  })
}

// A failed sign-in must not suggest which answer was wrong.
function clearInline(form) {
  for (const group of form.querySelectorAll('.govuk-form-group--error')) {
    group.classList.remove('govuk-form-group--error')
  }
  for (const message of form.querySelectorAll('.govuk-error-message')) message.remove()
  for (const input of form.querySelectorAll('.govuk-input--error')) input.classList.remove('govuk-input--error')
  const surname = form.querySelector('#surname')
  surname.removeAttribute('aria-describedby')
}
