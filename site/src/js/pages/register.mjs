import { post, takeFragmentToken } from '../api.mjs'
import { fieldErrors, handleSubmit, readDate, readText, serviceProblem, showErrors, showState } from '../forms.mjs'

export function start() {
  const invitation = takeFragmentToken('invitation')
  if (!invitation) {
    showState('no-invitation')
    return
  }
  const form = document.querySelector('[data-tmc-form="register"]')
  const errors = document.querySelector('[data-tmc-errors]')
  handleSubmit(form, {
    body: (f) => ({ invitation, dateOfBirth: readDate(f, 'dateOfBirth'), password: readText(f, 'password') }),
    send: (body) => post('/victim/register', body),
    onAnswer: ({ status, body }) => {
      if (status === 201) {
        form.reset()
        const done = showState('done')
        done.querySelector('[data-tmc-crime-number]').textContent = body.crimeNumber
      } else if (status === 400 && body && body.fields && body.fields.invitation) {
        // Nothing the person can type fixes this: say so, and what to do.
        const bad = showState('bad-invitation')
        bad.querySelector('[data-tmc-message]').textContent = body.fields.invitation
      } else if (status === 400) {
        showErrors(form, errors, fieldErrors(form, body))
      } else {
        showErrors(form, errors, serviceProblem())
      }
    }
  })
}
