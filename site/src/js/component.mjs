// The site's behaviours as components, in the manner of GOV.UK Frontend's
// own: one class per behaviour, named by a static moduleName, constructed on
// the root element that carries data-module="<moduleName>". A component finds
// the parts it needs when it is constructed and throws if one is missing, so
// a change to the HTML that breaks a behaviour fails loudly on page load
// rather than later, when a person presses something.

/** Something is wrong with a component or the HTML it was given. */
export class ComponentError extends Error {
  /**
   * @param {{moduleName?: string, name?: string}} component the component's class
   * @param {string} message
   */
  constructor(component, message) {
    super(`${component.moduleName || component.name}: ${message}`)
    this.name = 'ComponentError'
    this.moduleName = component.moduleName
  }
}

/** A part a component cannot work without is not in its HTML. */
export class MissingElementError extends ComponentError {
  /**
   * @param {{moduleName?: string, name?: string}} component the component's class
   * @param {string} element what is missing, as a person reading the HTML would look for it
   */
  constructor(component, element) {
    super(component, `${element} not found`)
    this.name = 'MissingElementError'
    this.element = element
  }
}

const STARTED = 'data-module-started'

export class Component {
  /** The data-module value whose elements this component starts on. */
  static moduleName = ''

  /** @param {Element | null | undefined} root */
  constructor(root) {
    const type = /** @type {typeof Component} */ (this.constructor)
    if (!type.moduleName) throw new ComponentError(type, 'no static moduleName')
    if (!root || typeof root.querySelector !== 'function') {
      throw new MissingElementError(type, `root element ([data-module="${type.moduleName}"])`)
    }
    if (root.hasAttribute(STARTED)) throw new ComponentError(type, 'already started on this element')
    root.setAttribute(STARTED, '')
    this.root = root
  }

  /**
   * The element inside the root that matches selector; throws if there is none.
   * @param {string} selector
   * @param {string} [description] how the error names it; the selector by default
   */
  required(selector, description = `\`${selector}\``) {
    const found = this.root.querySelector(selector)
    if (!found) throw new MissingElementError(this.constructor, description)
    return found
  }

  /** The root's data-NAME setting (NAME in camelCase, as in dataset); throws if it is not set. */
  setting(name) {
    const value = this.root.dataset[name]
    if (value === undefined || value === '') {
      const attribute = `data-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
      throw new ComponentError(this.constructor, `the root element has no ${attribute} setting`)
    }
    return value
  }
}

/**
 * Starts each component on every element under scope whose data-module names
 * it, in the order given. One that fails is reported and does not stop the
 * others: "Leave this site quickly" must work even if a page's form cannot.
 * @param {Array<typeof Component>} components
 * @param {{scope?: ParentNode, onError?: (error: unknown) => void}} [options]
 * @returns {Component[]} the components started
 */
export function startAll(components, { scope = document, onError = (error) => console.error(error) } = {}) {
  const started = []
  for (const Type of components) {
    for (const root of scope.querySelectorAll(`[data-module="${Type.moduleName}"]`)) {
      try {
        started.push(new Type(root))
      } catch (error) {
        onError(error)
      }
    }
  }
  return started
}
