// Every component of the site, in the order main.mjs starts them. startAll
// reports one that fails and goes on, so "Leave this site quickly" works
// whatever else does.
import { AccountForm } from './account-form.mjs'
import { AccountView } from './account-view.mjs'
import { AgreementPrompt } from './agreement-prompt.mjs'
import { CaseView } from './case-view.mjs'
import { ContactAgreement } from './contact-agreement.mjs'
import { ContactChange } from './contact-change.mjs'
import { IdentityForm } from './identity-form.mjs'
import { LanguageToggle } from './language-toggle.mjs'
import { LeaveQuickly } from './leave-quickly.mjs'
import { SignOutOnOpen } from './sign-out-on-open.mjs'
import { TokenForm } from './token-form.mjs'

export const COMPONENTS = [
  LeaveQuickly, LanguageToggle, SignOutOnOpen, IdentityForm, TokenForm, CaseView, AgreementPrompt,
  AccountView, AccountForm, ContactAgreement, ContactChange
]
