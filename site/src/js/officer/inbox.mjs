// Reading the inbox a page at a time. The API reads at most 100 items of the
// force's attention index per request and, for "my cases", filters them
// afterwards: a page can then hold fewer than 100 items, or none, and still
// have a cursor. So the console asks again (a few times) until a page has
// something in it or there is nothing more.
import { t, tn } from '../i18n.mjs'

export const MAX_EMPTY_PAGES = 5

/** The API path of one page of the inbox: mine or the team's, after cursor. */
export function inboxPath({ team = false, cursor = null } = {}) {
  const query = new URLSearchParams()
  if (!team) query.set('mine', 'true')
  if (cursor) query.set('cursor', cursor)
  const text = query.toString()
  return `/officer/inbox${text ? `?${text}` : ''}`
}

/**
 * The next items of the inbox after cursor (null: from the start).
 * @param {{get: (path: string) => Promise<{status: number, body: any}>}} api
 * @returns {Promise<{status: number, items: any[], cursor: string | null}>}
 *   status 200 with the items and the cursor to carry on from (null at the
 *   end), or the status of the answer that was not 200
 */
export async function nextInboxItems(api, { team = false, cursor = null, tries = MAX_EMPTY_PAGES } = {}) {
  let next = cursor
  for (let asked = 0; asked < tries; asked += 1) {
    const { status, body } = await api.get(inboxPath({ team, cursor: next }))
    if (status !== 200) return { status, items: [], cursor: next }
    const items = Array.isArray(body?.items) ? body.items : []
    next = typeof body?.cursor === 'string' && body.cursor ? body.cursor : null
    if (items.length || !next) return { status, items, cursor: next }
  }
  return { status: 200, items: [], cursor: next }
}

/** The inbox table's caption for count items shown, with more to come or not. */
export function inboxCaption(count, more) {
  if (!count) return t(more ? 'js.officer.inbox.caption.none_yet' : 'js.officer.inbox.caption.none')
  return tn(more ? 'js.officer.inbox.caption.longest' : 'js.officer.inbox.caption.all', count)
}
