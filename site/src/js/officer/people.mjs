// The people on a new case ("Add another person"): each is a fieldset whose
// fields are named as the API names them (contacts[0].email, contacts[1].email,
// ...), so the API's field messages reach the right person's field. Adding or
// removing a person numbers them all again from 0 (the API) and 1 (the page).
import { currentLanguage, t, tn } from '../i18n.mjs'

/** The most people a case can be recorded with (chalicelib/officers/schemas.py MAX_CONTACTS). */
export const MAX_PEOPLE = 20

// What carries a person's number: ids (person-2-email), and the fields' names
// and their error messages' ids (contacts[1].email, contacts[1].email-error).
const NUMBERED_ATTRIBUTES = ['id', 'for', 'name', 'aria-describedby', 'data-field', 'href']

/** value with its person numbers made those of the person at index (0-based). */
export function renumbered(value, index) {
  return String(value)
    .replace(/\bperson-\d+-/g, `person-${index + 1}-`)
    .replace(/\bcontacts\[\d+\]/g, `contacts[${index}]`)
}

/** Numbers every element in person (and person itself) as the person at index. */
export function numberPerson(person, index) {
  const numbered = NUMBERED_ATTRIBUTES.map((name) => `[${name}]`).join(', ')
  for (const element of [person, ...person.querySelectorAll(numbered)]) {
    for (const name of NUMBERED_ATTRIBUTES) {
      const value = element.getAttribute(name)
      if (value !== null) element.setAttribute(name, renumbered(value, index))
    }
  }
}

/** The heading of the person at index. */
export function personHeading(index) {
  return t('js.officer.person.heading', { number: index + 1 })
}

/** Said (to a screen reader) after adding or removing a person. */
export function peopleStatus(change, count) {
  const now = tn('js.officer.person.count', count)
  return change === 'added' ? t('js.officer.person.added', { number: count, now }) : t('js.officer.person.removed', { now })
}

/** "Jo Bloggs", "Jo Bloggs and Sam Taylor", "A, B and C". */
export function namesInWords(names) {
  const list = names.filter(Boolean)
  if (list.length <= 1) return list.join('')
  const last = list.at(-1)
  // Welsh "a" is "ac" before a vowel ("Jo ac Alun").
  const vowel = currentLanguage() === 'cy' && /^[aeiouwyâêîôûŵŷ]/i.test(last)
  return t(vowel ? 'js.officer.names.last_vowel' : 'js.officer.names.last', { names: list.slice(0, -1).join(', '), last })
}
