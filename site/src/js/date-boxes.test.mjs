import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, it } from 'node:test'
import { dateBoxes } from './forms.mjs'

const CASES = JSON.parse(fs.readFileSync(new URL('../../test-support/date-input-cases.json', import.meta.url), 'utf8')).cases

describe('dateBoxes in English and Welsh', () => {
  it('marks the boxes the English messages name (test-support/date-input-cases.json)', () => {
    for (const { message, boxes } of CASES.filter((c) => c.message)) assert.deepEqual(dateBoxes(message), boxes, message)
  })

  it('marks the boxes the Welsh messages name, whatever mutation the word takes', () => {
    const welsh = [
      ['Rhaid i’r dyddiad geni gynnwys diwrnod', ['day']],
      ['Rhaid i’r dyddiad geni gynnwys mis', ['month']],
      ['Rhaid i’r dyddiad geni gynnwys blwyddyn', ['year']],
      ['Rhaid i’r dyddiad geni gynnwys mis a blwyddyn', ['month', 'year']],
      ['Rhaid i’r dyddiad geni gynnwys diwrnod a mis', ['day', 'month']],
      ['Rhaid i’r dyddiad geni gynnwys diwrnod a blwyddyn', ['day', 'year']],
      ['Rhaid i’r flwyddyn gynnwys 4 digid', ['year']],
      ['Rhaid i’r flwyddyn gynnwys 4 rhif', ['year']],
      ['Rhaid i’r mis fod yn rhif o 1 i 12', ['month']],
      ['Rhaid i’r diwrnod fod yn rhif o 1 i 31', ['day']],
      ['Rhaid i’r dyddiad geni fod yn ddyddiad go iawn', ['day', 'month', 'year']],
      ['Rhaid i’r dyddiad geni fod yn y gorffennol', ['day', 'month', 'year']],
      ['Rhaid i’r dyddiad geni fod yn 1900 neu’n hwyrach', ['year']],
      ["Rhaid i'r flwyddyn gynnwys 4 digid", ['year']]
    ]
    for (const [message, boxes] of welsh) assert.deepEqual(dateBoxes(message), boxes, message)
  })

  it('reads the mutated forms of the words on their own (ddiwrnod, fis, flwyddyn)', () => {
    assert.deepEqual(dateBoxes('Rhaid i’r dyddiad geni gynnwys ddiwrnod a fis'), ['day', 'month'])
    assert.deepEqual(dateBoxes('Rhaid i’r dyddiad geni gynnwys flwyddyn'), ['year'])
  })
})
