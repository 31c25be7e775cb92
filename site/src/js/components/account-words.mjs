// The words of "Your account" and "How we contact you" (from the message
// catalogue, js.account.*, in the page's language, read when they are shown),
// and the small rules that turn the API's account (GET /victim/account) into
// them. No DOM, no network.
import { t } from '../i18n.mjs'

/** The contact agreement's channel choices, as the API names them, in the order they are offered, with their words. */
export const CHANNELS = [
  ['email', 'js.account.channel.email'],
  ['text', 'js.account.channel.text'],
  ['both', 'js.account.channel.both']
].map(([value, key]) => Object.defineProperty([value], 1, { get: () => t(key), enumerable: true }))

/** The languages we write in, with their names in the page's language. */
export const LANGUAGES = [['en', 'js.account.language.en'], ['cy', 'js.account.language.cy']]
  .map(([value, key]) => Object.defineProperty([value], 1, { get: () => t(key), enumerable: true }))

// Each word is read from the catalogue when it is used (a getter), never at import.
const word = (key) => ({ get: () => t(key), enumerable: true })
const words = (table) => Object.defineProperties({}, Object.fromEntries(
  Object.entries(table).map(([name, key]) => [name, word(key)])))

export const WORDS = Object.defineProperties({}, {
  notGiven: word('js.account.not_given'),
  add: word('js.account.add'),
  change: word('js.account.change'),
  noQuietHours: word('js.account.no_quiet_hours'),
  noPhrase: word('js.account.no_phrase'),
  safeOn: word('js.account.safe_on'),
  safeOff: word('js.account.safe_off'),
  passwordShown: word('js.account.password_shown'),
  notChosen: word('js.account.not_chosen'),
  pendingChange: {
    value: words({ email: 'js.account.pending.email', text: 'js.account.pending.text' }), enumerable: true
  },
  enterCode: word('js.account.enter_code'),
  onlyEmail: word('js.account.only_email'),
  onlyText: word('js.account.only_text'),
  addMobile: word('js.account.add_mobile'),
  addEmail: word('js.account.add_email'),
  saved: {
    value: words({
      'contact-agreement': 'js.account.saved.contact_agreement',
      'safe-contact-on': 'js.account.saved.safe_contact_on',
      'safe-contact-off': 'js.account.saved.safe_contact_off',
      email: 'js.account.saved.email',
      mobile: 'js.account.saved.mobile'
    }),
    enumerable: true
  },
  savedLines: {
    value: words({
      'contact-agreement': 'js.account.saved_line.contact_agreement',
      email: 'js.account.saved_line.email',
      mobile: 'js.account.saved_line.mobile'
    }),
    enumerable: true
  }
})

/** The words for a channel choice ("By email and text message"). */
export function channelWords(choice) {
  const found = CHANNELS.find(([value]) => value === choice)
  return found ? found[1] : WORDS.notChosen
}

/** The words for a language code ("English", "Welsh"; in Welsh "Saesneg", "Cymraeg"). */
export function languageWords(code) {
  const found = LANGUAGES.find(([value]) => value === code)
  return found ? found[1] : String(code || t('js.account.language.en'))
}

/** "9pm" for "21:00", "8:30am" for "08:30", "midnight" and "midday" for the two that are neither. */
export function clockWords(hhmm) {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(String(hhmm || ''))
  if (!match) return String(hhmm || '')
  const [hour, minute] = [Number(match[1]), match[2]]
  if (minute === '00' && hour === 0) return t('js.time.midnight')
  if (minute === '00' && hour === 12) return t('js.time.midday')
  const twelve = hour % 12 === 0 ? 12 : hour % 12
  return t(hour < 12 ? 'js.time.am' : 'js.time.pm', { time: `${twelve}${minute === '00' ? '' : `:${minute}`}` })
}

/** Quiet hours as the API keeps them ("none" or "21:00-08:00") in words. */
export function quietHoursWords(value) {
  const match = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(String(value || ''))
  if (!match) return WORDS.noQuietHours
  return t('js.account.quiet_hours', { from: clockWords(match[1]), to: clockWords(match[2]) })
}

/** {from, to} of quiet hours ("21:00-08:00"), or null for none. */
export function splitQuietHours(value) {
  const match = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(String(value || ''))
  return match ? { from: match[1], to: match[2] } : null
}

/** The API's value for quiet hours chosen on the page. */
export function joinQuietHours(wanted, from, to) {
  return wanted ? `${from || ''}-${to || ''}` : 'none'
}

/** The times offered for quiet hours: every hour of the day, as [value, words]. */
export function quietHourChoices(stepMinutes = 60) {
  const choices = []
  for (let minutes = 0; minutes < 24 * 60; minutes += stepMinutes) {
    const value = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
    choices.push([value, clockWords(value)])
  }
  return choices
}

/**
 * A mobile number as people in the UK write it: "+447700900982" is
 * "07700 900 982"; a number from elsewhere stays in its international form.
 */
export function mobileWords(e164) {
  const value = String(e164 || '')
  const uk = /^\+44(7\d{3})(\d{3})(\d{3})$/.exec(value)
  return uk ? `0${uk[1]} ${uk[2]} ${uk[3]}` : value
}

/** Whether the person can be sent texts at all (quiet hours only matter then). */
export function canText(account) {
  return Boolean(account && Array.isArray(account.availableChannels) && account.availableChannels.includes('text'))
}

/**
 * Whether the person still has to choose how we contact them (the case page
 * asks until they do, and again after they stopped using the service): the
 * API's `agreed` is false. An answer without it asks nothing.
 */
export function needsAgreement(account) {
  return Boolean(account) && account.agreed === false
}
