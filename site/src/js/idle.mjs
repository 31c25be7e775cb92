// Warns before the session ends and ends it on time, mirroring the server's
// rules: idle timeout (reset by every authenticated request) and an absolute
// limit. The server enforces both anyway; this only makes them humane.
const WARN_BEFORE_MS = 2 * 60 * 1000
const CHECK_EVERY_MS = 1000

function describe(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  if (seconds > 60) return `${Math.ceil(seconds / 60)} minutes`
  if (seconds === 60) return '1 minute'
  return 'less than a minute'
}

/**
 * @param {object} options
 * @param {HTMLDialogElement} options.dialog the warning
 * @param {number} options.idleTimeoutSeconds
 * @param {number | null} options.expiresAt absolute end, epoch ms
 * @param {() => Promise<boolean>} options.staySignedIn makes an authenticated request; false if the session had already ended
 * @param {() => void} options.onTimeout
 */
export function watchIdle({ dialog, idleTimeoutSeconds, expiresAt, staySignedIn, onTimeout }) {
  let lastRequest = Date.now()
  let ended = false
  const countdown = dialog.querySelector('[data-tmc-countdown]')
  const stay = dialog.querySelector('[data-tmc-stay]')
  const text = dialog.querySelector('#idle-warning-text')

  const deadline = () => {
    const idleEnd = lastRequest + idleTimeoutSeconds * 1000
    return expiresAt ? Math.min(idleEnd, expiresAt) : idleEnd
  }

  function end() {
    if (ended) return
    ended = true
    clearInterval(timer)
    if (dialog.open) dialog.close()
    onTimeout()
  }

  function check() {
    if (ended) return
    const left = deadline() - Date.now()
    if (left <= 0) {
      end()
      return
    }
    if (left <= WARN_BEFORE_MS) {
      // Staying signed in cannot move the absolute limit, so do not offer it.
      const absolute = expiresAt !== null && expiresAt <= lastRequest + idleTimeoutSeconds * 1000
      stay.hidden = absolute
      if (absolute) {
        text.replaceChildren(`You have been signed in for the longest time allowed. To protect your information, we will sign you out in `, countdown, '. You can then sign in again.')
      }
      const words = describe(left)
      if (countdown.textContent !== words) countdown.textContent = words
      if (!dialog.open) dialog.showModal()
    } else if (dialog.open) {
      dialog.close()
    }
  }

  stay.addEventListener('click', async () => {
    if (await staySignedIn()) {
      dialog.close()
    } else {
      end()
    }
  })
  // Escape would close the dialog without choosing: treat it as staying.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    stay.click()
  })
  // Timers sleep with a backgrounded tab or a closed laptop: look again on return.
  document.addEventListener('visibilitychange', check)

  const timer = setInterval(check, CHECK_EVERY_MS)
  return {
    /** Call after each successful authenticated request. */
    touch() {
      lastRequest = Date.now()
      check()
    },
    end
  }
}
