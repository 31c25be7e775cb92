// Warns before the session ends and ends it on time, mirroring the server's
// rules: idle timeout (reset by every authenticated request) and an absolute
// limit. The server enforces both anyway; this only makes them humane.
//
// Using the page is activity too (issue 15): a person reading a long update
// scrolls and presses keys without making a request. Such activity sends a
// keep-alive (POST /victim/session/keep-alive, which reads nothing, so writes
// no read receipt), at most once a KEEP_ALIVE_AFTER_MS, which the server also
// enforces.
//
// Its root is the warning <dialog> ([data-tmc-idle-warning] on the case page).
// It is not started by data-module: the case page (CaseView) constructs it,
// because only that page has a session to keep, and starts watching once the
// case has been read.
import { Component } from '../component.mjs'
import { t, tn } from '../i18n.mjs'

export const WARN_BEFORE_MS = 2 * 60 * 1000
const CHECK_EVERY_MS = 1000
/** Activity sends a keep-alive once this long has passed since the last request (the server allows one a minute). */
export const KEEP_ALIVE_AFTER_MS = 60 * 1000
/** What counts as using the page. Scroll is caught in the capture phase: an element's scroll does not bubble. */
export const ACTIVITY_EVENTS = ['scroll', 'keydown', 'pointerdown']

/** How long is left, in the warning's words. */
export function describeTimeLeft(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  if (seconds >= 60) return tn('js.idle.minutes', Math.ceil(seconds / 60))
  return t('js.idle.less_than_a_minute')
}

/**
 * Where the session stands at now.
 * @param {{now: number, lastRequest: number, idleTimeoutSeconds: number, expiresAt: number | null}} session
 * @returns {{left: number, absolute: boolean, warn: boolean}} ms left; whether
 *   the absolute limit comes first (staying signed in cannot move it); whether
 *   to show the warning
 */
export function sessionState({ now, lastRequest, idleTimeoutSeconds, expiresAt }) {
  const idleEnd = lastRequest + idleTimeoutSeconds * 1000
  const absolute = expiresAt !== null && expiresAt <= idleEnd
  const left = (absolute ? expiresAt : idleEnd) - now
  return { left, absolute, warn: left > 0 && left <= WARN_BEFORE_MS }
}

/**
 * Whether the person's activity at now should keep the session alive: not
 * while the warning asks them to choose (that is what "Stay signed in" is
 * for), not while a keep-alive is on its way, and not within
 * KEEP_ALIVE_AFTER_MS of the last request.
 */
export function shouldKeepAlive({ now, lastRequest, warningOpen, sending }) {
  return !warningOpen && !sending && lastRequest !== null && now - lastRequest >= KEEP_ALIVE_AFTER_MS
}

/**
 * When the session's idle time last started, given a keep-alive's answer
 * (its HTTP status) at now: 204 now; 429 means the server started it less
 * than a minute ago, so assume the earliest moment (a warning early rather
 * than late); anything else leaves it as it was (401 is for the caller).
 */
export function lastRequestAfterKeepAlive(status, now, lastRequest) {
  if (status === 204) return now
  if (status === 429) return Math.max(lastRequest, now - KEEP_ALIVE_AFTER_MS)
  return lastRequest
}

export class IdleWarning extends Component {
  static moduleName = 'tmc-idle-warning'

  /**
   * @param {HTMLDialogElement} root the warning
   * @param {object} options
   * @param {number} options.idleTimeoutSeconds
   * @param {number | null} options.expiresAt absolute end, epoch ms
   * @param {() => Promise<boolean>} options.staySignedIn makes an authenticated request; false if the session had already ended
   * @param {() => void} options.onTimeout
   * @param {() => Promise<number>} [options.keepAlive] sends a keep-alive; resolves to its HTTP status
   */
  constructor(root, { idleTimeoutSeconds, expiresAt, staySignedIn, onTimeout, keepAlive = null }) {
    super(root)
    this.countdown = this.required('[data-tmc-countdown]', 'the countdown (`[data-tmc-countdown]`)')
    this.stay = this.required('[data-tmc-stay]', 'the "Stay signed in" button (`[data-tmc-stay]`)')
    this.text = this.required('#idle-warning-text', 'the warning\'s text (`#idle-warning-text`)')
    Object.assign(this, { idleTimeoutSeconds, expiresAt, staySignedIn, onTimeout, keepAlive })
    this.sending = false
    this.lastRequest = null
    this.timer = null
    this.ended = false
  }

  /** Starts watching; the session was last used now. */
  watch() {
    this.lastRequest = Date.now()
    this.stay.addEventListener('click', async () => {
      if (await this.staySignedIn()) {
        this.root.close()
      } else {
        this.end()
      }
    })
    // Escape would close the dialog without choosing: treat it as staying.
    this.root.addEventListener('cancel', (event) => {
      event.preventDefault()
      this.stay.click()
    })
    // Timers sleep with a backgrounded tab or a closed laptop: look again on return.
    document.addEventListener('visibilitychange', () => this.check())
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS)
    if (this.keepAlive) {
      const active = () => this.active()
      for (const type of ACTIVITY_EVENTS) document.addEventListener(type, active, { capture: true, passive: true })
    }
  }

  /** The person used the page: keep their session alive if it is time to. */
  async active() {
    if (this.ended || !shouldKeepAlive({
      now: Date.now(), lastRequest: this.lastRequest, warningOpen: this.root.open, sending: this.sending
    })) return
    this.sending = true
    let status
    try {
      status = await this.keepAlive()
    } finally {
      this.sending = false
    }
    if (status === 401) {
      this.end()
      return
    }
    this.lastRequest = lastRequestAfterKeepAlive(status, Date.now(), this.lastRequest)
    this.check()
  }

  /** Call after each successful authenticated request. */
  touch() {
    this.lastRequest = Date.now()
    this.check()
  }

  end() {
    if (this.ended) return
    this.ended = true
    clearInterval(this.timer)
    if (this.root.open) this.root.close()
    this.onTimeout()
  }

  check() {
    if (this.ended || this.lastRequest === null) return
    const { left, absolute, warn } = sessionState({
      now: Date.now(),
      lastRequest: this.lastRequest,
      idleTimeoutSeconds: this.idleTimeoutSeconds,
      expiresAt: this.expiresAt
    })
    if (left <= 0) {
      this.end()
    } else if (warn) {
      // Staying signed in cannot move the absolute limit, so do not offer it.
      this.stay.hidden = absolute
      if (absolute) {
        const [before, after] = t('js.idle.absolute').split('{countdown}')
        this.text.replaceChildren(before, this.countdown, after ?? '')
      }
      const words = describeTimeLeft(left)
      if (this.countdown.textContent !== words) this.countdown.textContent = words
      if (!this.root.open) this.root.showModal()
    } else if (this.root.open) {
      this.root.close()
    }
  }
}
