// sitegen preview: reloads the page after each rebuild and shows build problems over it.
// `sitegen serve` adds this script to every HTML page it serves; it is never part of a build.
// Errors get the full box: the page is the last version that built. Warnings get a small
// bar that opens into their list; it can be hidden, and stays hidden until they change.
(() => {
  "use strict";
  const script = document.currentScript;
  const version = script ? script.dataset.version : "";
  const events = script ? script.dataset.events : "/_sitegen/events";
  // A review page lists the problems itself: no overlay, and it reloads when they change.
  const reviewing = script ? script.dataset.mode === "review" : false;
  // What the server added to an article page: its stale passages' notes, the link to its review page.
  const marks = document.getElementById("sitegen-marks");
  const SCROLL = "sitegen-preview-scroll";
  const HIDDEN = "sitegen-preview-hidden-warnings";
  const OPEN = "sitegen-preview-warnings-open";

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
    .dock { position: fixed; left: 1rem; right: 1rem; bottom: 1rem; z-index: 2147483647;
      max-height: calc(100vh - 2rem); display: flex; flex-direction: column; align-items: flex-end;
      gap: .5rem; pointer-events: none; font: 15px/1.45 system-ui, sans-serif; }
    .dock > * { pointer-events: auto; box-sizing: border-box; }
    .box { position: relative; align-self: stretch; max-height: 60vh; overflow: auto; padding: 1rem 1.25rem;
      background: #fff8f6; color: #2b0b05; border: 2px solid #b3261e; border-radius: 6px;
      box-shadow: 0 8px 30px rgba(0, 0, 0, .25); }
    h2 { margin: 0 2rem .5rem 0; font-size: 1rem; color: #b3261e; }
    p { margin: 0 0 .75rem; }
    ol { margin: 0; padding-left: 1.25rem; }
    li { margin: .35rem 0; }
    code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap;
      overflow-wrap: anywhere; }
    .hint { display: block; color: #5c3b36; }
    button { font: inherit; color: inherit; cursor: pointer; }
    button:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
    .close { position: absolute; top: .5rem; right: .5rem; border: 0; background: none;
      font-size: 1.4rem; line-height: 1; padding: .1rem .3rem; }
    .warnings { max-width: 100%; display: flex; flex-direction: column; background: #fffbeb; color: #3d2a00;
      border: 1px dashed #8a5a00; border-radius: 6px; box-shadow: 0 4px 16px rgba(0, 0, 0, .18); }
    .warnings.open { align-self: stretch; max-height: 40vh; }
    .bar { display: flex; align-items: center; }
    .toggle { flex: 1; display: flex; align-items: center; gap: .45rem; border: 0; background: none;
      padding: .4rem .3rem .4rem .75rem; font-weight: 600; text-align: left; }
    .toggle .mark { font-size: 1.05rem; line-height: 1; }
    .toggle .arrow { margin-left: auto; padding-left: .4rem; font-size: .8rem; }
    .warnings .close { position: static; font-size: 1.2rem; padding: .3rem .6rem; }
    .list { overflow: auto; padding: 0 1rem .75rem 1rem; border-top: 1px dashed #8a5a00; }
    .list p { margin: .6rem 0 .4rem; }
    .list .hint { color: #5c4a1f; }
    [hidden] { display: none !important; }`;

  // The link to the article's review page: its own corner, under the problems, which stand above it.
  const REVIEW_STYLE = `
    :host { all: initial; }
    a { position: fixed; left: 1rem; bottom: 1rem; z-index: 2147483646; padding: .3rem .75rem;
      font: 600 15px/1.45 system-ui, sans-serif; background: #fff; color: #24103a; text-decoration: none;
      border: 1px solid #6b3fa0; border-radius: 999px; box-shadow: 0 4px 16px rgba(0, 0, 0, .18); }
    a:hover { background: #f6f1fc; }
    a:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }`;
  let reviewHost = null;

  let overlay = null;
  let state = { errors: [], warnings: [], warning_count: 0 };
  let hiddenErrors = null; // the errors hidden with ×, shown again when they change

  function ensureOverlay() {
    if (!overlay) {
      overlay = document.createElement("sitegen-errors");
      overlay.id = "sitegen-overlay";
      overlay.attachShadow({ mode: "open" });
      document.documentElement.appendChild(overlay);
    }
    return overlay.shadowRoot;
  }

  function problemList(problems) {
    const list = document.createElement("ol");
    for (const problem of problems) {
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
    return list;
  }

  function errorBox(errors) {
    const box = document.createElement("section");
    box.className = "box errors";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "errors-title");
    box.innerHTML = `<button type="button" class="close" aria-label="Hide the errors">×</button>
      <h2 id="errors-title"></h2>
      <p>This page is the last version that built. Fix the file and save: the page updates by itself.</p>`;
    box.querySelector("h2").textContent =
      errors.length === 1 ? "sitegen: 1 error" : `sitegen: ${errors.length} errors`;
    box.append(problemList(errors));
    box.querySelector("button").addEventListener("click", () => {
      hiddenErrors = JSON.stringify(errors);
      render();
    });
    return box;
  }

  function warningBar(warnings, count, key) {
    const open = sessionStorage.getItem(OPEN) === "1";
    const part = document.createElement("section");
    part.className = open ? "warnings open" : "warnings";
    part.setAttribute("aria-label", "sitegen warnings");
    part.innerHTML = `<div class="bar">
        <button type="button" class="toggle" aria-controls="warning-list">
          <span class="mark" aria-hidden="true">⚠</span><span class="label"></span>
          <span class="arrow" aria-hidden="true"></span></button>
        <button type="button" class="close" aria-label="Hide the warnings until they change">×</button>
      </div>
      <div class="list" id="warning-list" role="region" aria-label="Warnings" tabindex="0">
        <p>The site builds, and these are worth fixing before you publish.</p>
      </div>`;
    const toggle = part.querySelector(".toggle");
    const list = part.querySelector(".list");
    part.querySelector(".label").textContent = count === 1 ? "sitegen: 1 warning" : `sitegen: ${count} warnings`;
    toggle.setAttribute("aria-expanded", String(open));
    part.querySelector(".arrow").textContent = open ? "▾" : "▸";
    list.hidden = !open;
    list.append(problemList(warnings));
    if (count > warnings.length) {
      const more = document.createElement("p");
      more.textContent = `… and ${count - warnings.length} more: run sitegen check to see them all.`;
      list.append(more);
    }
    const setOpen = (value) => {
      sessionStorage.setItem(OPEN, value ? "1" : "0");
      render();
      overlay.shadowRoot.querySelector(".toggle").focus();
    };
    toggle.addEventListener("click", () => setOpen(!open));
    part.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && open) setOpen(false);
    });
    part.querySelector(".close").addEventListener("click", () => {
      sessionStorage.setItem(HIDDEN, key);
      render();
    });
    return part;
  }

  function addReviewLink() {
    reviewHost = document.createElement("sitegen-review");
    reviewHost.id = "sitegen-review";
    const root = reviewHost.attachShadow({ mode: "open" });
    root.innerHTML = `<style>${REVIEW_STYLE}</style><a></a>`;
    const link = root.querySelector("a");
    link.href = marks.dataset.review;
    link.textContent = marks.dataset.reviewLabel;
    link.title = marks.dataset.reviewTitle;
    document.documentElement.appendChild(reviewHost);
  }

  function render() {
    const errors = state.errors || [];
    const warnings = state.warnings || [];
    const count = Math.max(state.warning_count || 0, warnings.length);
    const key = JSON.stringify([count, warnings]);
    const showErrors = errors.length > 0 && hiddenErrors !== JSON.stringify(errors);
    const showWarnings = count > 0 && sessionStorage.getItem(HIDDEN) !== key;
    if (!showErrors && !showWarnings) {
      if (overlay) overlay.remove();
      overlay = null;
      return;
    }
    const root = ensureOverlay();
    root.innerHTML = `<style>${STYLE}</style><div class="dock"></div>`;
    const dock = root.querySelector(".dock");
    if (reviewHost) dock.style.bottom = `calc(1.5rem + ${reviewHost.shadowRoot.querySelector("a").offsetHeight}px)`;
    if (showWarnings) dock.append(warningBar(warnings, count, key));
    if (showErrors) dock.append(errorBox(errors));
  }

  // Each note goes into the page: at its passage (#passage-N), or under the title ("head"). The notes
  // say what the problems say (a stale text is a warning): when those change, the page reloads for new ones.
  let placed = 0;
  function placeMarks() {
    for (const link of marks.content.querySelectorAll("link")) document.head.append(link);
    for (const mark of marks.content.querySelectorAll("[data-passage]")) {
      const where = mark.dataset.passage;
      if (where === "head") {
        const title = document.querySelector("main h1");
        if (title) title.after(mark);
        placed += 1;
        continue;
      }
      const passage = document.getElementById(`passage-${where}`);
      if (!passage) continue;
      passage.classList.add("sitegen-stale");
      passage.prepend(mark);
      placed += 1;
    }
  }
  if (marks) placeMarks();
  if (marks && marks.dataset.review) addReviewLink();

  function show(problems) {
    if (reviewing) return;
    state = problems;
    if (hiddenErrors !== null && hiddenErrors !== JSON.stringify(problems.errors || [])) hiddenErrors = null;
    render();
  }

  const here = location.pathname.replace(/index\.html$/, "");
  // The server says whether this page changed after the version it was served with: a page
  // reloaded for the first half of a rebuild (the article) must not reload for the second (listings).
  // A review page is made from the whole site: any rebuild since it was served makes it stale.
  const query = `?since=${encodeURIComponent(version)}&page=${reviewing ? "" : encodeURIComponent(here)}`;
  const source = new EventSource(events + query);
  source.addEventListener("hello", (event) => {
    const hello = JSON.parse(event.data);
    if (hello.stale || (reviewing && String(hello.problems) !== script.dataset.problems)) reload();
    else show(hello);
  });
  source.addEventListener("reload", (event) => {
    const change = JSON.parse(event.data);
    if (change.version !== version && (reviewing || !change.pages || change.pages.includes(here))) reload();
  });
  source.addEventListener("errors", (event) => (reviewing || placed ? reload() : show(JSON.parse(event.data))));
})();
