// Signs an idle officer out: onIdle runs once when nothing has touched the
// timer for idleMs. The clock and timers are passed in, so tests need not wait.

export class IdleTimer {
  /**
   * @param {{idleMs: number, onIdle: () => void, now?: () => number,
   *   setTimer?: (fn: () => void, ms: number) => any, clearTimer?: (handle: any) => void}} options
   */
  constructor({ idleMs, onIdle, now = () => Date.now(), setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (h) => clearTimeout(h) }) {
    if (!(idleMs > 0)) throw new Error('IdleTimer: idleMs must be positive')
    this.idleMs = idleMs
    this.onIdle = onIdle
    this.now = now
    this.setTimer = setTimer
    this.clearTimer = clearTimer
    this.last = now()
    this.handle = null
    this.running = false
  }

  start() {
    this.running = true
    this.touch()
  }

  /** Something happened: the officer is here. */
  touch() {
    if (!this.running) return
    this.last = this.now()
    this.schedule(this.idleMs)
  }

  schedule(ms) {
    if (this.handle !== null) this.clearTimer(this.handle)
    this.handle = this.setTimer(() => this.check(), ms)
  }

  /** Timers can fire late (a sleeping laptop) or early: decide from the clock. */
  check() {
    this.handle = null
    if (!this.running) return
    const left = this.last + this.idleMs - this.now()
    if (left > 0) {
      this.schedule(left)
      return
    }
    this.stop()
    this.onIdle()
  }

  stop() {
    this.running = false
    if (this.handle !== null) this.clearTimer(this.handle)
    this.handle = null
  }
}
