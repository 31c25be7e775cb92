import { signOut } from '../api.mjs'

// Both the signed-out and timed-out pages end the session on the server when
// they open: whichever way someone got here, they are signed out.
export async function start() {
  await signOut()
}
