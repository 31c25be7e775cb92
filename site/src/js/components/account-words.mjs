// The words of "Your account" and "How we contact you", in one place (they
// will move to a message catalogue when Welsh comes), and the small rules that
// turn the API's account (GET /victim/account) into them. No DOM, no network.

/** The contact agreement's channel choices, as the API names them, in the order they are offered. */
export const CHANNELS = [
  ['email', 'By email'],
  ['text', 'By text message'],
  ['both', 'By email and text message']
]

/** The languages we write in. Welsh (cy) joins when it is ready. */
export const LANGUAGES = [['en', 'English']]

export const WORDS = {
  notGiven: 'Not given',
  add: 'Add',
  change: 'Change',
  noQuietHours: 'None: texts can come at any time',
  noPhrase: 'None chosen',
  safeOn: 'On: messages do not say they are from the police',
  safeOff: 'Off',
  passwordShown: 'Not shown',
  notChosen: 'You have not chosen yet',
  pendingChange: {
    email: 'You asked to change your email address. It changes when you enter the code we sent to the new address.',
    text: 'You asked to change your mobile number. It changes when you enter the code we sent to the new number.'
  },
  enterCode: 'Enter the code',
  onlyEmail: 'We can only contact you by email, because we do not have a mobile number for you.',
  onlyText: 'We can only contact you by text message, because we do not have an email address for you.',
  addMobile: 'Add a mobile number',
  addEmail: 'Add an email address',
  oneLanguage: 'We write to you in English.',
  saved: {
    'contact-agreement': 'We have saved how we contact you',
    'safe-contact-on': 'Our messages will no longer say they are from the police',
    'safe-contact-off': 'Our messages will say they are from the police again',
    email: 'Your email address has been changed',
    mobile: 'Your mobile number has been changed'
  },
  savedLines: {
    'contact-agreement': 'You can change it at any time on this page.',
    email: 'We have sent a message to your old address to say it has changed.',
    mobile: 'We have sent a text to your old number to say it has changed.'
  }
}

/** The words for a channel choice ("By email and text message"). */
export function channelWords(choice) {
  const found = CHANNELS.find(([value]) => value === choice)
  return found ? found[1] : WORDS.notChosen
}

/** The words for a language code. */
export function languageWords(code) {
  const found = LANGUAGES.find(([value]) => value === code)
  return found ? found[1] : String(code || 'English')
}

/** "9pm" for "21:00", "8:30am" for "08:30", "midnight" and "midday" for the two that are neither. */
export function clockWords(hhmm) {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(String(hhmm || ''))
  if (!match) return String(hhmm || '')
  const [hour, minute] = [Number(match[1]), match[2]]
  if (minute === '00' && hour === 0) return 'midnight'
  if (minute === '00' && hour === 12) return 'midday'
  const twelve = hour % 12 === 0 ? 12 : hour % 12
  return `${twelve}${minute === '00' ? '' : `:${minute}`}${hour < 12 ? 'am' : 'pm'}`
}

/** Quiet hours as the API keeps them ("none" or "21:00-08:00") in words. */
export function quietHoursWords(value) {
  const match = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(String(value || ''))
  if (!match) return WORDS.noQuietHours
  return `No texts between ${clockWords(match[1])} and ${clockWords(match[2])}`
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
