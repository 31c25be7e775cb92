// The module resolution hook that register.mjs installs.
const GOVUK_FRONTEND = '/assets/govuk-frontend.min.js'

export async function resolve(specifier, context, nextResolve) {
  if (specifier === GOVUK_FRONTEND) {
    return { url: new URL('./govuk-frontend.mjs', import.meta.url).href, shortCircuit: true }
  }
  return nextResolve(specifier, context)
}
