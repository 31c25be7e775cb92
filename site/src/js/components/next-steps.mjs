// "What happens next" on the case page: which of the page's situations
// ([data-tmc-situation], each written in case.html, so the words are in one
// place) fits the case's status and its latest decision, and the officer's
// own words for a closure or a decision (the update that made it).
//
// Not started by data-module: the case page (CaseView) shows it with each
// reading of the case.
import { Component } from '../component.mjs'

/** The statuses a case can have (chalicelib/core/domain.py CaseStatus). */
export const SITUATIONS = ['investigating', 'not_investigated', 'not_charged', 'charged', 'at_court', 'closed']

// Update types that change what happens next; the newest of them decides.
const TURNING_POINTS = new Set([
  'not_investigated', 'not_charged', 'charged', 'court_hearing', 'verdict', 'sentence', 'case_closed', 'case_reopened'
])
// The update whose text says why, for each situation that has one.
const REASON_FROM = { closed: 'case_closed', not_investigated: 'not_investigated', not_charged: 'not_charged' }

/** Whether the case has ended for now: nothing new is expected unless it is reopened. */
export const isEnded = (name) => name === 'closed' || name === 'not_investigated'

/**
 * The situation that fits: {name, reason}. name is one of SITUATIONS (or null
 * for a status this page does not know); reason is the text of the update
 * that made the decision, when it is among `updates`, else null. A decision
 * not to charge leaves the status as it was (still being investigated), so it
 * is found from the newest turning point among the updates.
 */
export function situation(status, updates = []) {
  const newestFirst = [...updates].sort((a, b) => String(b.postedAt).localeCompare(String(a.postedAt)))
  const turningPoint = newestFirst.find((u) => TURNING_POINTS.has(u.type))
  let name = SITUATIONS.includes(status) && status !== 'not_charged' ? status : null
  if (name === 'investigating' && turningPoint && turningPoint.type === 'not_charged') name = 'not_charged'
  const reasonType = REASON_FROM[name]
  const because = reasonType ? newestFirst.find((u) => u.type === reasonType) : null
  return { name, reason: because && because.text ? because.text : null }
}

export class NextSteps extends Component {
  static moduleName = 'tmc-next-steps'

  constructor(root) {
    super(root)
    this.parts = Object.fromEntries(SITUATIONS.map((name) =>
      [name, this.required(`[data-tmc-situation="${name}"]`, `the "${name}" situation (\`[data-tmc-situation="${name}"]\`)`)]))
  }

  /** Shows the situation that fits; returns its name. */
  show(status, updates) {
    const { name, reason } = situation(status, updates)
    for (const [each, part] of Object.entries(this.parts)) {
      part.hidden = each !== name
      const because = part.querySelector('[data-tmc-reason]')
      if (!because) continue
      because.hidden = !(each === name && reason)
      part.querySelector('[data-tmc-reason-text]').textContent = each === name && reason ? reason : ''
      const noReason = part.querySelector('[data-tmc-no-reason]')
      if (noReason) noReason.hidden = !(each === name && !reason)
    }
    return name
  }
}
