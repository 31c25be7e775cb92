// `node --import ./test-support/register.mjs --test src/js/`: lets the unit
// tests import the site's modules, which import GOV.UK Frontend from the
// site's root (/assets/govuk-frontend.min.js), by resolving that address to
// the stand-in beside this file.
import { register } from 'node:module'

register('./resolve.mjs', import.meta.url)

// The unit tests read the English words, as an English page would.
const { useCatalogue } = await import('../src/js/i18n.mjs')
const { pick } = await import('../lib/catalogue.mjs')
useCatalogue('en', pick('en', 'js'))
