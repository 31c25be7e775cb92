// Stands in, in the unit tests, for GOV.UK Frontend's module, which the
// browser loads from /assets/govuk-frontend.min.js. It records what the site
// asks of it instead of doing it.

/** Every ErrorSummary made, newest last. */
export const errorSummaries = []

export class ErrorSummary {
  constructor($root) {
    this.$root = $root
    errorSummaries.push(this)
    // The real one moves focus to the summary.
    $root.setAttribute('tabindex', '-1')
    $root.focus()
  }
}

/** Every NotificationBanner made, newest last. */
export const notificationBanners = []

export class NotificationBanner {
  constructor($root) {
    this.$root = $root
    notificationBanners.push(this)
    // The real one focuses a banner whose role is alert.
    if ($root.getAttribute('role') === 'alert') {
      $root.setAttribute('tabindex', '-1')
      $root.focus()
    }
  }
}

export let initAllCalls = 0

export function initAll() {
  initAllCalls += 1
}
