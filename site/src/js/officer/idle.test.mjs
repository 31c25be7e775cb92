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

describe('IdleTimer with a warning', () => {
  const MINUTE = 60 * 1000

  function warned(c) {
    const events = []
    const timer = new IdleTimer({
      idleMs: 15 * MINUTE,
      warnMs: 2 * MINUTE,
      tickMs: 30 * 1000,
      onWarn: (left) => events.push(['warn', left]),
      onIdle: () => events.push(['idle']),
      ...c
    })
    timer.start()
    return { timer, events }
  }

  it('warns 2 minutes before, counts down, then signs out once', () => {
    const c = clock()
    const { events } = warned(c)
    c.advance(13 * MINUTE - 1)
    assert.deepEqual(events, [])
    c.advance(1)
    assert.deepEqual(events, [['warn', 2 * MINUTE]])
    c.advance(30 * 1000)
    assert.deepEqual(events.at(-1), ['warn', 90 * 1000])
    c.advance(90 * 1000)
    assert.deepEqual(events.filter(([what]) => what === 'idle'), [['idle']])
    assert.equal(events.at(-1)[0], 'idle')
    c.advance(60 * MINUTE)
    assert.equal(events.filter(([what]) => what === 'idle').length, 1)
  })

  it('ignores activity while warning: only staying keeps the officer signed in', () => {
    const c = clock()
    const { timer, events } = warned(c)
    c.advance(14 * MINUTE)
    timer.touch()
    c.advance(MINUTE)
    assert.deepEqual(events.at(-1), ['idle'])
  })

  it('"Stay signed in" starts the 15 minutes again, with a new warning at 13', () => {
    const c = clock()
    const { timer, events } = warned(c)
    c.advance(14 * MINUTE)
    assert.equal(timer.stay(), true)
    events.length = 0
    c.advance(12 * MINUTE)
    timer.touch()
    c.advance(13 * MINUTE - 1)
    assert.deepEqual(events, [])
    c.advance(1)
    assert.deepEqual(events, [['warn', 2 * MINUTE]])
  })

  it('staying too late (the laptop slept past the end) signs out instead', () => {
    const c = clock()
    const { timer, events } = warned(c)
    c.advance(13 * MINUTE)
    c.state.now += 5 * MINUTE // no timer ran meanwhile
    assert.equal(timer.stay(), false)
    assert.deepEqual(events.at(-1), ['idle'])
    assert.equal(timer.stay(), false)
  })

  it('on waking, a late check signs out at once rather than warning', () => {
    const c = clock()
    const { timer, events } = warned(c)
    c.state.now += 20 * MINUTE
    timer.check()
    assert.deepEqual(events, [['idle']])
    assert.equal(c.state.timers.length, 0)
  })

  it('refuses a warning as long as the idle time', () => {
    assert.throws(() => new IdleTimer({ idleMs: 1000, warnMs: 1000, onIdle: () => {} }), /warnMs must be/)
  })
})
