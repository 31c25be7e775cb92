// "Ask for an update" on the case page: a button that asks the officer in
// charge for an update, or, while a request is open, what happens next
// instead (asking again would only answer the open request).
//
// Its root is [data-tmc-update-request]. Like IdleWarning it has no
// data-module: CaseView constructs it and tells it, each time the case is
// read, whether a request is open.
import { post } from '../api.mjs'
import { Component } from '../component.mjs'
import { t } from '../i18n.mjs'
import { formatDue, formatPosted } from './conversation.mjs'

/**
 * What happens next after asking, as sentences: when they asked, when the
 * officer in charge will reply, and that an email will say so.
 * @param {{requestedAt: string, replyDueBy?: string | null}} request
 */
export function askedSentences(request) {
  return [
    t('js.case.asked.on', { date: formatPosted(request.requestedAt) }),
    request.replyDueBy
      ? t('js.case.asked.reply_by', { date: formatDue(request.replyDueBy) })
      : t('js.case.asked.reply_soon'),
    t('js.case.let_you_know')
  ]
}

export class UpdateRequest extends Component {
  static moduleName = 'tmc-update-request'

  /**
   * @param {Element} root
   * @param {object} options
   * @param {(request: object, alreadyOpen: boolean) => void} options.onAsked
   *   the request was made (or one was already open: the API answered 200)
   * @param {(status: number) => void} options.onFailed any other answer
   */
  constructor(root, { onAsked, onFailed }) {
    super(root)
    const part = (selector, what) => this.required(selector, `${what} (\`${selector}\`)`)
    this.offer = part('[data-tmc-ask-offer]', 'the offer to ask for an update')
    this.button = part('[data-tmc-ask]', 'the "Ask for an update" button')
    this.asked = part('[data-tmc-asked]', 'the place for what happens next')
    Object.assign(this, { onAsked, onFailed })
    /** Set when the case has ended (closed, not investigated): no offer to ask, nothing to update on. */
    this.ended = false
    this.button.addEventListener('click', () => this.ask())
  }

  /**
   * Shows the button, or what happens next while request (the open one) is
   * there; on an ended case, no button, and nothing at all unless a request
   * is still open.
   */
  show(request) {
    const open = Boolean(request && request.requestedAt)
    this.root.hidden = this.ended && !open
    this.offer.hidden = open || this.ended
    this.asked.hidden = !open
    this.asked.textContent = open ? askedSentences(request).join(' ') : ''
  }

  async ask() {
    if (this.button.disabled) return
    this.button.disabled = true
    this.button.setAttribute('aria-disabled', 'true')
    try {
      const { status, body } = await post('/victim/update-request', {})
      if ((status === 201 || status === 200) && body && body.requestedAt) {
        this.show(body)
        this.onAsked(body, status === 200)
      } else {
        this.onFailed(status)
      }
    } finally {
      this.button.disabled = false
      this.button.removeAttribute('aria-disabled')
    }
  }
}
