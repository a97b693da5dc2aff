// sitegen preview: reloads the page after each rebuild and shows build errors over it.
// `sitegen serve` adds this script to every HTML page it serves; it is never part of a build.
(() => {
  "use strict";
  const script = document.currentScript;
  const version = script ? script.dataset.version : "";
  const events = script ? script.dataset.events : "/_sitegen/events";
  const SCROLL = "sitegen-preview-scroll";

  // Back to where the reader was before the reload, once now and again when images have loaded.
  const saved = JSON.parse(sessionStorage.getItem(SCROLL) || "null");
  if (saved && saved.path === location.pathname) {
    sessionStorage.removeItem(SCROLL);
    const restore = () => window.scrollTo(saved.x, saved.y);
    restore();
    window.addEventListener("load", restore, { once: true });
  }

  function reload() {
    const place = { path: location.pathname, x: window.scrollX, y: window.scrollY };
    sessionStorage.setItem(SCROLL, JSON.stringify(place));
    location.reload();
  }

  const STYLE = `
    :host { all: initial; }
    .box { position: fixed; left: 1rem; right: 1rem; bottom: 1rem; z-index: 2147483647;
      max-height: 60vh; overflow: auto; box-sizing: border-box; padding: 1rem 1.25rem;
      background: #fff8f6; color: #2b0b05; border: 2px solid #b3261e; border-radius: 6px;
      box-shadow: 0 8px 30px rgba(0, 0, 0, .25); font: 15px/1.45 system-ui, sans-serif; }
    h2 { margin: 0 2rem .5rem 0; font-size: 1rem; color: #b3261e; }
    p { margin: 0 0 .75rem; }
    ol { margin: 0; padding-left: 1.25rem; }
    li { margin: .35rem 0; }
    code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; }
    .hint { display: block; color: #5c3b36; }
    button { position: absolute; top: .5rem; right: .5rem; border: 0; background: none;
      font-size: 1.4rem; line-height: 1; cursor: pointer; color: #2b0b05; }`;

  let overlay = null;

  function show(errors) {
    if (!errors.length) {
      if (overlay) overlay.remove();
      overlay = null;
      return;
    }
    if (!overlay) {
      overlay = document.createElement("sitegen-errors");
      overlay.id = "sitegen-overlay";
      overlay.attachShadow({ mode: "open" });
      document.documentElement.appendChild(overlay);
    }
    const root = overlay.shadowRoot;
    root.innerHTML = `<style>${STYLE}</style>
      <section class="box" role="alert" aria-labelledby="title">
        <button type="button" aria-label="Hide">×</button>
        <h2 id="title"></h2>
        <p>This page is the last version that built. Fix the file and save: the page updates by itself.</p>
        <ol></ol>
      </section>`;
    root.getElementById("title").textContent =
      errors.length === 1 ? "sitegen: 1 error" : `sitegen: ${errors.length} errors`;
    const list = root.querySelector("ol");
    for (const problem of errors) {
      const item = document.createElement("li");
      const text = document.createElement("code");
      text.textContent = `${problem.location}: ${problem.message}`;
      item.append(text);
      if (problem.hint) {
        const hint = document.createElement("code");
        hint.className = "hint";
        hint.textContent = `hint: ${problem.hint}`;
        item.append(hint);
      }
      list.append(item);
    }
    root.querySelector("button").addEventListener("click", () => show([]));
  }

  const here = location.pathname.replace(/index\.html$/, "");
  // The server says whether this page changed after the version it was served with: a page
  // reloaded for the first half of a rebuild (the article) must not reload for the second (listings).
  const query = `?since=${encodeURIComponent(version)}&page=${encodeURIComponent(here)}`;
  const source = new EventSource(events + query);
  source.addEventListener("hello", (event) => {
    const state = JSON.parse(event.data);
    if (state.stale) reload();
    else show(state.errors);
  });
  source.addEventListener("reload", (event) => {
    const change = JSON.parse(event.data);
    if (change.version !== version && (!change.pages || change.pages.includes(here))) reload();
  });
  source.addEventListener("errors", (event) => show(JSON.parse(event.data).errors));
})();
