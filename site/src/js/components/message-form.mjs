// "Send a message to the officer in charge" on the case page: a textarea with
// GOV.UK Frontend's character count (started by initAll, from its own
// data-module), sent as JSON. The API decides what is wrong: a 400 shows its
// field message against the textarea; a 429 (past the daily limit) its
// message, with the numbers to call instead.
//
// Its root is [data-tmc-message-form]. Like IdleWarning it has no
// data-module: CaseView constructs it, shows its errors in the page's error
// summary and, once a message is sent, reads the case again.
import { post } from '../api.mjs'
import { Component } from '../component.mjs'
import { clearErrors, fieldErrors, handleSubmit, readFields, serviceProblem, showErrors } from '../forms.mjs'
import { t, tn } from '../i18n.mjs'

/** Below this many messages left today, the page says how many are left. */
export const FEW_LEFT = 3

/** What to do instead of a message when it is urgent or an emergency. */
export function urgentAdvice(phone, emergencyPhone) {
  return t('js.message.urgent', { phone: phone || '101', emergencyPhone: emergencyPhone || '999' })
}

/**
 * The error summary's words for a 429: the API's message (which says when
 * more can be sent), then what to do instead, with this force's numbers,
 * unless the message already names both.
 */
export function tooManyMessages(body, phone, emergencyPhone) {
  const said = (body && typeof body.message === 'string' && body.message.trim()) ||
    t('js.message.no_more_today')
  const [urgent, emergency] = [phone || '101', emergencyPhone || '999']
  if (said.includes(urgent) && said.includes(emergency)) return said
  return `${/[.!?]$/.test(said) ? said : `${said}.`} ${urgentAdvice(urgent, emergency)}`
}

/** How many messages are left today, in words, when that is worth saying; '' otherwise. */
export function messagesLeftText(left) {
  if (!Number.isInteger(left) || left < 1 || left > FEW_LEFT) return ''
  return tn('js.message.left', left)
}

export class MessageForm extends Component {
  static moduleName = 'tmc-message-form'

  /**
   * @param {Element} root
   * @param {object} options
   * @param {Element} options.errors where the page's error summary goes
   * @param {(sent: object) => void} options.onSent the message was sent (201)
   * @param {() => void} options.onSignedOut the session had ended (401)
   * @param {() => void} [options.onError] an error is about to be shown
   */
  constructor(root, { errors, onSent, onSignedOut, onError = () => {} }) {
    super(root)
    const part = (selector, what) => this.required(selector, `${what} (\`${selector}\`)`)
    this.compose = part('[data-tmc-compose]', 'the part with the form and what to know before writing')
    this.form = part('form', 'the form')
    this.textarea = part('textarea[name="text"]', 'the message box')
    this.required('button[type="submit"]', 'the "Send message" button (`button[type="submit"]`)')
    this.left = part('[data-tmc-messages-left]', 'the place for how many messages are left today')
    this.noMore = part('[data-tmc-no-more-today]', 'the message for when no more can be sent today')
    this.phone = this.setting('phone')
    this.emergencyPhone = this.setting('emergencyPhone')
    Object.assign(this, { errors, onSent, onSignedOut, onError })
    handleSubmit(this.form, {
      body: (form) => readFields(form),
      send: (body) => post('/victim/messages', body),
      onAnswer: (answer) => this.onAnswer(answer)
    })
  }

  /** Shows the form, or, with none left today, says so instead. */
  show(messagesLeftToday) {
    const none = messagesLeftToday === 0
    this.compose.hidden = none
    this.noMore.hidden = !none
    const left = messagesLeftText(messagesLeftToday)
    this.left.textContent = left
    this.left.hidden = !left
  }

  onAnswer({ status, body }) {
    if (status === 201) {
      clearErrors(this.form, this.errors)
      this.form.reset()
      // Setting the value by script fires no input event; the character
      // count listens for one to show the full allowance again.
      this.textarea.dispatchEvent(new Event('input', { bubbles: true }))
      this.onSent(body || {})
      return
    }
    if (status === 401) {
      this.onSignedOut()
      return
    }
    this.onError()
    if (status === 400) {
      showErrors(this.form, this.errors, fieldErrors(this.form, body))
    } else if (status === 429) {
      showErrors(this.form, this.errors, [{ message: tooManyMessages(body, this.phone, this.emergencyPhone) }])
    } else {
      showErrors(this.form, this.errors, serviceProblem())
    }
  }
}
