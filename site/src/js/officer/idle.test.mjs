import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { IdleTimer } from './idle.mjs'

function clock() {
  const state = { now: 0, timers: [] }
  return {
    state,
    now: () => state.now,
    setTimer: (fn, ms) => {
      const timer = { fn, at: state.now + ms }
      state.timers.push(timer)
      return timer
    },
    clearTimer: (timer) => {
      state.timers = state.timers.filter((t) => t !== timer)
    },
    advance(ms) {
      state.now += ms
      for (const timer of state.timers.filter((t) => t.at <= state.now)) {
        state.timers = state.timers.filter((t) => t !== timer)
        timer.fn()
      }
    }
  }
}

describe('IdleTimer', () => {
  it('signs out once after the idle time with nothing done', () => {
    const c = clock()
    let idle = 0
    const timer = new IdleTimer({ idleMs: 1000, onIdle: () => { idle += 1 }, ...c })
    timer.start()
    c.advance(999)
    assert.equal(idle, 0)
    c.advance(1)
    assert.equal(idle, 1)
    c.advance(5000)
    assert.equal(idle, 1)
  })

  it('starts counting again at each touch', () => {
    const c = clock()
    let idle = 0
    const timer = new IdleTimer({ idleMs: 1000, onIdle: () => { idle += 1 }, ...c })
    timer.start()
    c.advance(900)
    timer.touch()
    c.advance(900)
    assert.equal(idle, 0)
    c.advance(100)
    assert.equal(idle, 1)
  })

  it('decides from the clock when a timer fires early', () => {
    const c = clock()
    let idle = 0
    const timer = new IdleTimer({ idleMs: 1000, onIdle: () => { idle += 1 }, ...c })
    timer.start()
    c.state.now = 500
    timer.check()
    assert.equal(idle, 0)
    c.advance(500)
    assert.equal(idle, 1)
  })

  it('does nothing once stopped, or before it starts', () => {
    const c = clock()
    let idle = 0
    const timer = new IdleTimer({ idleMs: 1000, onIdle: () => { idle += 1 }, ...c })
    timer.touch()
    c.advance(2000)
    timer.start()
    timer.stop()
    c.advance(2000)
    assert.equal(idle, 0)
  })

  it('refuses an idle time that is not positive', () => {
    assert.throws(() => new IdleTimer({ idleMs: 0, onIdle: () => {} }), /idleMs must be positive/)
  })
})
