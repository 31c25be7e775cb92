import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inboxCaption, inboxPath, nextInboxItems } from './inbox.mjs'

/** An API whose inbox answers are given in order; it records the paths asked for. */
function pagedApi(...answers) {
  const asked = []
  return {
    asked,
    get: async (path) => {
      asked.push(path)
      return answers.shift()
    }
  }
}

const page = (items, cursor = null) => ({ status: 200, body: { items, cursor } })

describe('inboxPath', () => {
  it('asks for my cases, or the team\'s, after the cursor (escaped)', () => {
    assert.equal(inboxPath(), '/officer/inbox?mine=true')
    assert.equal(inboxPath({ team: true }), '/officer/inbox')
    assert.equal(inboxPath({ team: true, cursor: 'a+b=' }), '/officer/inbox?cursor=a%2Bb%3D')
    assert.equal(inboxPath({ cursor: 'abc' }), '/officer/inbox?mine=true&cursor=abc')
  })
})

describe('nextInboxItems', () => {
  it('returns a page and the cursor to carry on from', async () => {
    const api = pagedApi(page([{ crimeNumber: 'A' }], 'next'))
    assert.deepEqual(await nextInboxItems(api, { cursor: 'first' }),
      { status: 200, items: [{ crimeNumber: 'A' }], cursor: 'next' })
    assert.deepEqual(api.asked, ['/officer/inbox?mine=true&cursor=first'])
  })

  it('asks again past pages left empty by the filter, until one has items', async () => {
    const api = pagedApi(page([], 'c1'), page([], 'c2'), page([{ crimeNumber: 'B' }], null))
    assert.deepEqual(await nextInboxItems(api, { team: true }), { status: 200, items: [{ crimeNumber: 'B' }], cursor: null })
    assert.deepEqual(api.asked, ['/officer/inbox', '/officer/inbox?cursor=c1', '/officer/inbox?cursor=c2'])
  })

  it('stops after a few empty pages, keeping the cursor so the officer can ask for more', async () => {
    const api = pagedApi(page([], 'c1'), page([], 'c2'))
    assert.deepEqual(await nextInboxItems(api, { tries: 2 }), { status: 200, items: [], cursor: 'c2' })
    assert.equal(api.asked.length, 2)
  })

  it('ends at a page without a cursor', async () => {
    const api = pagedApi(page([], null))
    assert.deepEqual(await nextInboxItems(api), { status: 200, items: [], cursor: null })
  })

  it('passes on an answer that is not 200, with the cursor it was asked with', async () => {
    const api = pagedApi({ status: 500, body: null })
    assert.deepEqual(await nextInboxItems(api, { cursor: 'c' }), { status: 500, items: [], cursor: 'c' })
  })
})

describe('inboxCaption', () => {
  it('counts what is shown, and says when it is not everything', () => {
    assert.equal(inboxCaption(1, false), '1 thing waiting, oldest first')
    assert.equal(inboxCaption(3, false), '3 things waiting, oldest first')
    assert.equal(inboxCaption(100, true), 'The 100 things waiting longest, oldest first')
    assert.equal(inboxCaption(0, true), 'Nothing found yet: there is more to look through')
  })
})
