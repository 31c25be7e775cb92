// Every component of the site, in the order main.mjs starts them. startAll
// reports one that fails and goes on, so "Leave this site quickly" works
// whatever else does.
import { AccountForm } from './account-form.mjs'
import { CaseView } from './case-view.mjs'
import { IdentityForm } from './identity-form.mjs'
import { LeaveQuickly } from './leave-quickly.mjs'
import { SignOutOnOpen } from './sign-out-on-open.mjs'
import { TokenForm } from './token-form.mjs'

export const COMPONENTS = [LeaveQuickly, SignOutOnOpen, IdentityForm, TokenForm, CaseView, AccountForm]
