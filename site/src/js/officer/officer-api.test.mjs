import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { officerApi } from './officer-api.mjs'

function fakeFetch(status, body, calls = []) {
  const fetch = async (url, init) => {
    calls.push({ url, init })
    return {
      status,
      headers: { get: (name) => (name === 'Content-Type' && body !== undefined ? 'application/json' : null) },
      json: async () => body
    }
  }
  return { fetch, calls }
}

describe('officerApi', () => {
  it('sends the token as a Bearer header to /api on this origin, with no cookie', async () => {
    const { fetch, calls } = fakeFetch(200, { items: [] })
    const api = officerApi({ token: () => 'abc', fetch })
    assert.deepEqual(await api.get('/officer/inbox'), { status: 200, body: { items: [] } })
    assert.equal(calls[0].url, '/api/officer/inbox')
    assert.equal(calls[0].init.headers.Authorization, 'Bearer abc')
    assert.equal(calls[0].init.credentials, 'omit')
    assert.equal(calls[0].init.cache, 'no-store')
  })

  it('sends a JSON body', async () => {
    const { fetch, calls } = fakeFetch(201, { id: '1' })
    await officerApi({ token: () => 't', fetch }).post('/officer/cases/X/updates', { type: 'charged' })
    assert.equal(calls[0].init.method, 'POST')
    assert.equal(calls[0].init.headers['Content-Type'], 'application/json')
    assert.equal(calls[0].init.body, '{"type":"charged"}')
  })

  it('asks for a new sign-in on a 401', async () => {
    let ended = 0
    const { fetch } = fakeFetch(401, { code: 'unauthorized' })
    const answer = await officerApi({ token: () => 't', fetch, onSignedOut: () => { ended += 1 } }).get('/officer/inbox')
    assert.equal(answer.status, 401)
    assert.equal(ended, 1)
  })

  it('sends nothing without a token', async () => {
    let ended = 0
    const { fetch, calls } = fakeFetch(200, {})
    const answer = await officerApi({ token: () => null, fetch, onSignedOut: () => { ended += 1 } }).get('/officer/inbox')
    assert.equal(answer.status, 401)
    assert.equal(calls.length, 0)
    assert.equal(ended, 1)
  })

  it('leaves a POST\'s 401 to the form that sent it: nothing sent without a token, no sign-in asked for', async () => {
    let ended = 0
    const onSignedOut = () => { ended += 1 }
    const { fetch, calls } = fakeFetch(401, { code: 'unauthorized' })
    assert.deepEqual(await officerApi({ token: () => null, fetch, onSignedOut }).post('/officer/cases', {}), { status: 401, body: null })
    assert.equal(calls.length, 0)
    const refused = await officerApi({ token: () => 'old', fetch, onSignedOut }).post('/officer/cases', {})
    assert.equal(refused.status, 401)
    assert.equal(calls.length, 1)
    assert.equal(ended, 0)
  })

  it('answers status 0 when the network fails', async () => {
    const api = officerApi({ token: () => 't', fetch: async () => { throw new TypeError('offline') } })
    assert.deepEqual(await api.get('/officer/inbox'), { status: 0, body: null })
  })
})
