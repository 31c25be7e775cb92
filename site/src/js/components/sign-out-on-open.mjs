// The signed-out and timed-out pages end the session on the server when they
// open: whichever way someone got here, they are signed out.
import { signOut } from '../api.mjs'
import { Component } from '../component.mjs'

export class SignOutOnOpen extends Component {
  static moduleName = 'tmc-sign-out-on-open'

  constructor(root) {
    super(root)
    /** Settles when the server has answered. */
    this.done = signOut()
  }
}
