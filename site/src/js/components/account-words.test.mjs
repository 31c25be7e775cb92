import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  CHANNELS, canText, channelWords, clockWords, joinQuietHours, mobileWords, needsAgreement, quietHourChoices,
  quietHoursWords, splitQuietHours
} from './account-words.mjs'

describe('the words of the contact agreement', () => {
  it('names each channel choice the API has, in the order offered', () => {
    assert.deepEqual(CHANNELS.map(([value]) => value), ['email', 'text', 'both'])
    assert.equal(channelWords('both'), 'By email and text message')
    assert.equal(channelWords(undefined), 'You have not chosen yet')
  })

  it('says times as people say them: 9pm, 8:30am, midnight, midday', () => {
    assert.deepEqual(['21:00', '08:30', '00:00', '12:00', '12:30', '00:15'].map(clockWords),
      ['9pm', '8:30am', 'midnight', 'midday', '12:30pm', '12:15am'])
    assert.equal(clockWords('25:00'), '25:00')
  })

  it('says quiet hours in words, and none as texts at any time', () => {
    assert.equal(quietHoursWords('21:00-08:00'), 'No texts between 9pm and 8am')
    assert.equal(quietHoursWords('none'), 'None: texts can come at any time')
    assert.equal(quietHoursWords(null), 'None: texts can come at any time')
  })

  it('splits and joins quiet hours as the API writes them', () => {
    assert.deepEqual(splitQuietHours('22:30-07:00'), { from: '22:30', to: '07:00' })
    assert.equal(splitQuietHours('none'), null)
    assert.equal(joinQuietHours(true, '21:00', '08:00'), '21:00-08:00')
    assert.equal(joinQuietHours(false, '21:00', '08:00'), 'none')
  })

  it('offers every hour of the day, from midnight', () => {
    const choices = quietHourChoices()
    assert.equal(choices.length, 24)
    assert.deepEqual(choices[0], ['00:00', 'midnight'])
    assert.deepEqual(choices[21], ['21:00', '9pm'])
  })

  it('writes a UK mobile number as people in the UK write it, and others as they came', () => {
    assert.equal(mobileWords('+447700900982'), '07700 900 982')
    assert.equal(mobileWords('+33612345678'), '+33612345678')
  })

  it('offers quiet hours only to someone we can text', () => {
    assert.equal(canText({ availableChannels: ['email', 'text', 'both'] }), true)
    assert.equal(canText({ availableChannels: ['email'] }), false)
    assert.equal(canText({}), false)
  })

  it('asks for a choice only when the API says none was made', () => {
    assert.equal(needsAgreement({ agreed: false }), true)
    assert.equal(needsAgreement({ agreed: true }), false)
    assert.equal(needsAgreement({}), false, 'an answer that does not say asks nothing')
    assert.equal(needsAgreement(null), false)
  })
})
