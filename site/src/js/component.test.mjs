import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { documentFrom } from '../../test-support/dom.mjs'
import { Component, ComponentError, MissingElementError, startAll } from './component.mjs'

class Greeting extends Component {
  static moduleName = 'test-greeting'

  constructor(root) {
    super(root)
    this.name = this.required('[data-name]', 'the name (`[data-name]`)')
    this.greeting = this.setting('greeting')
  }
}

class Broken extends Component {
  static moduleName = 'test-broken'

  constructor(root) {
    super(root)
    this.required('[data-nowhere]')
  }
}

const page = () => documentFrom(`<html><head><title>A page</title></head><body>
  <div id="one" data-module="test-greeting" data-greeting="Hello"><span data-name>Ada</span></div>
  <div id="two" data-module="test-broken"></div>
  <div id="three" data-module="test-greeting" data-greeting="Hi"><span data-name>Grace</span></div>
  <div id="four" data-module="test-greeting"><span data-name>Mary</span></div>
</body></html>`)

describe('Component', () => {
  it('finds its required parts and settings on its root', () => {
    const document = page()
    const greeting = new Greeting(document.querySelector('#one'))
    assert.equal(greeting.name.textContent, 'Ada')
    assert.equal(greeting.greeting, 'Hello')
    assert.equal(greeting.root.getAttribute('id'), 'one')
  })

  it('throws a MissingElementError naming the module and the element when a part is missing', () => {
    const document = page()
    assert.throws(() => new Broken(document.querySelector('#two')), (error) => {
      assert.ok(error instanceof MissingElementError)
      assert.ok(error instanceof ComponentError)
      assert.ok(error instanceof Error)
      assert.equal(error.name, 'MissingElementError')
      assert.equal(error.moduleName, 'test-broken')
      assert.equal(error.element, '`[data-nowhere]`')
      assert.equal(error.message, 'test-broken: `[data-nowhere]` not found')
      return true
    })
  })

  it('throws a MissingElementError when it has no root', () => {
    for (const root of [null, undefined]) {
      assert.throws(() => new Greeting(root), {
        name: 'MissingElementError',
        message: 'test-greeting: root element ([data-module="test-greeting"]) not found'
      })
    }
  })

  it('names the data- attribute of a missing setting', () => {
    const document = page()
    assert.throws(() => new Greeting(document.querySelector('#four')), {
      name: 'ComponentError',
      message: 'test-greeting: the root element has no data-greeting setting'
    })
  })

  it('refuses a class without a moduleName', () => {
    class Nameless extends Component {}
    assert.throws(() => new Nameless(page().body), { name: 'ComponentError', message: 'Nameless: no static moduleName' })
  })

  it('starts once on an element', () => {
    const root = page().querySelector('#one')
    const first = new Greeting(root)
    assert.ok(first)
    assert.throws(() => new Greeting(root), { name: 'ComponentError', message: /already started/ })
  })
})

describe('startAll', () => {
  it('starts each component on every element whose data-module names it, in document order', () => {
    const document = page()
    const errors = []
    const started = startAll([Greeting], { scope: document, onError: (e) => errors.push(e) })
    assert.deepEqual(started.map((c) => c.name.textContent), ['Ada', 'Grace'])
    assert.equal(errors.length, 1, 'the root without data-greeting fails')
  })

  it('reports a component that fails and goes on with the others', () => {
    const document = page()
    const errors = []
    const started = startAll([Broken, Greeting], { scope: document, onError: (e) => errors.push(e) })
    assert.deepEqual(errors.map((e) => e.name), ['MissingElementError', 'ComponentError'])
    assert.deepEqual(started.map((c) => c.constructor.name), ['Greeting', 'Greeting'])
  })

  it('starts nothing where no element names the component', () => {
    const document = documentFrom('<html><body><p>Nothing here</p></body></html>')
    assert.deepEqual(startAll([Greeting, Broken], { scope: document, onError: assert.fail }), [])
  })
})
