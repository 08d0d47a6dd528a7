// <etcd-playground>: an etcd playground inside a documentation page, with one script tag and
// one element per playground. Each element is its own cluster; its views live in a shadow root,
// so the page's styles do not reach in and its own do not leak out, and the module defines no
// globals.
//
//   <script type="module" src="embed.js"></script>
//   <etcd-playground flags="--quota-backend-bytes=16777216" panels="cards" height="28rem">
//     etcdctl put somekey v1
//     etcdctl endpoint status -w table
//   </etcd-playground>
//
// Attributes: flags (etcd's flags, as `etcd` takes them), seed, panels (terminal | cards | all),
// scheme (light | dark), height (a CSS length), script (commands, one per line; the element's
// text is used when absent). The commands run at start, so a guide's block is shown already run.

const base = new URL('.', import.meta.url);
const MODULE = new URL('pkg/etcd_playground.js', base);
const WASM = new URL('pkg/etcd_playground_bg.wasm', base);
const STYLE = new URL('static/style.css', base);

let engine;
// One wasm instance serves every element on the page; each mount is an independent cluster.
function loadEngine() {
  engine ??= import(MODULE.href).then(async (module) => {
    await module.default({ module_or_path: WASM });
    return module;
  });
  return engine;
}

class EtcdPlaygroundElement extends HTMLElement {
  #embedded = null;
  #script = null;

  connectedCallback() {
    // The text is the script: read it once, before anything else can change it.
    this.#script ??= this.getAttribute('script') ?? this.textContent;
    // Moved within the page (disconnected, then connected again): a fresh cluster.
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = STYLE.href;
    const mountPoint = document.createElement('div');
    mountPoint.className = 'embed-root';
    mountPoint.style.height = this.getAttribute('height') || '28rem';
    // The views mount once their stylesheet applies: the terminal keeps its newest line in
    // view by scrolling, which an unstyled box cannot do.
    const styled = new Promise((resolve) => {
      style.addEventListener('load', resolve, { once: true });
      style.addEventListener('error', resolve, { once: true });
    });
    root.replaceChildren(style, mountPoint);
    Promise.all([loadEngine(), styled])
      .then(([module]) => {
        if (!this.isConnected) return;
        this.#embedded = module.mount(mountPoint, {
          flags: this.getAttribute('flags') ?? undefined,
          seed: this.getAttribute('seed') ?? undefined,
          panels: this.getAttribute('panels') ?? undefined,
          scheme: this.getAttribute('scheme') ?? undefined,
          script: this.#script,
        });
        this.dispatchEvent(new CustomEvent('ready', { bubbles: false }));
      })
      .catch((error) => {
        const message = document.createElement('p');
        message.className = 'embed-error';
        message.setAttribute('data-testid', 'embed-error');
        message.setAttribute('role', 'alert');
        message.textContent = `etcd playground: ${error && error.message ? error.message : error}`;
        mountPoint.replaceChildren(message);
      });
  }

  disconnectedCallback() {
    this.#embedded?.unmount();
    this.#embedded?.free();
    this.#embedded = null;
  }

  /** The element's cluster, as the JS API drives it: exec, advance, state, events. */
  get playground() {
    return this.#embedded?.playground() ?? null;
  }
}

if (!customElements.get('etcd-playground')) {
  customElements.define('etcd-playground', EtcdPlaygroundElement);
}
