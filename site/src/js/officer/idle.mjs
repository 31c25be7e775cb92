// Signs an idle officer out, with a warning first: onWarn(msLeft) runs when
// nothing has touched the timer for idleMs - warnMs, and again every tickMs
// while the warning stands (for a countdown); onIdle runs once at idleMs.
// While the warning stands, activity does not count (focus moving into the
// warning would otherwise end it): only stay() keeps the officer signed in.
// The clock and timers are passed in, so tests need not wait.

export class IdleTimer {
  /**
   * @param {{idleMs: number, warnMs?: number, tickMs?: number, onWarn?: (msLeft: number) => void, onIdle: () => void,
   *   now?: () => number, setTimer?: (fn: () => void, ms: number) => any, clearTimer?: (handle: any) => void}} options
   */
  constructor({
    idleMs, warnMs = 0, tickMs = 1000, onWarn = () => {}, onIdle,
    now = () => Date.now(), setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (h) => clearTimeout(h)
  }) {
    if (!(idleMs > 0)) throw new Error('IdleTimer: idleMs must be positive')
    if (!(warnMs >= 0 && warnMs < idleMs)) throw new Error('IdleTimer: warnMs must be at least 0 and less than idleMs')
    Object.assign(this, { idleMs, warnMs, tickMs, onWarn, onIdle, now, setTimer, clearTimer })
    this.last = now()
    this.handle = null
    this.running = false
    this.warning = false
  }

  start() {
    this.running = true
    this.warning = false
    this.touch()
  }

  /** Something happened: the officer is here (unless the warning is showing). */
  touch() {
    if (!this.running || this.warning) return
    this.last = this.now()
    this.schedule(this.idleMs - this.warnMs)
  }

  /** "Stay signed in": ends the warning; false if it came too late (the officer is then signed out). */
  stay() {
    if (!this.running) return false
    if (this.last + this.idleMs <= this.now()) {
      this.check()
      return false
    }
    this.warning = false
    this.touch()
    return true
  }

  schedule(ms) {
    if (this.handle !== null) this.clearTimer(this.handle)
    this.handle = this.setTimer(() => this.check(), ms)
  }

  /** Timers fire late (a sleeping laptop, a hidden tab) or early: decide from the clock. Call it on waking too. */
  check() {
    if (this.handle !== null) this.clearTimer(this.handle)
    this.handle = null
    if (!this.running) return
    const left = this.last + this.idleMs - this.now()
    if (left <= 0) {
      this.stop()
      this.onIdle()
    } else if (this.warnMs && left <= this.warnMs) {
      this.warning = true
      this.schedule(Math.min(left, this.tickMs))
      this.onWarn(left)
    } else {
      this.schedule(left - this.warnMs)
    }
  }

  stop() {
    this.running = false
    this.warning = false
    if (this.handle !== null) this.clearTimer(this.handle)
    this.handle = null
  }
}
