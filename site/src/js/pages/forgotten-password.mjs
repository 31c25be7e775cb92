import { post } from '../api.mjs'
import { fieldErrors, handleSubmit, readDate, readText, serviceProblem, showErrors, showState } from '../forms.mjs'

export function start() {
  const form = document.querySelector('[data-tmc-form="forgotten-password"]')
  const errors = document.querySelector('[data-tmc-errors]')
  handleSubmit(form, {
    body: (f) => ({
      crimeNumber: readText(f, 'crimeNumber'),
      surname: readText(f, 'surname'),
      dateOfBirth: readDate(f, 'dateOfBirth')
    }),
    send: (body) => post('/victim/password-reset', body),
    onAnswer: ({ status, body }) => {
      if (status === 202) {
        form.reset()
        showState('sent')
      } else if (status === 400) {
        showErrors(form, errors, fieldErrors(form, body))
      } else {
        showErrors(form, errors, serviceProblem())
      }
    }
  })
}
