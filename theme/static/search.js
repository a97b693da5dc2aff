// The search page. Loads Pagefind's interface and index from the site's own
// pagefind/ folder, found relative to this page so the site works under any
// path; Pagefind picks the index of the page's <html lang>. Runs the query
// from ?q= (the header's search box) and keeps ?q= in step with the input.
// When the build made no index, says that search is unavailable.
(() => {
  const box = document.getElementById("search");
  if (!box) return;
  const bundle = new URL(box.dataset.bundle, location.href).pathname;
  const root = new URL(box.dataset.root, location.href).pathname;
  const unavailable = () => {
    box.hidden = true;
    document.querySelector(".search-unavailable").hidden = false;
  };
  const remember = (term) => {
    const url = new URL(location.href);
    if (term) url.searchParams.set("q", term);
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    return term;
  };

  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = bundle + "pagefind-ui.css";
  document.head.append(style);

  const script = document.createElement("script");
  script.src = bundle + "pagefind-ui.js";
  script.onerror = unavailable;
  script.onload = () => {
    if (typeof PagefindUI !== "function") return unavailable();
    const ui = new PagefindUI({
      element: box,
      bundlePath: bundle,
      baseUrl: root,
      showImages: false,
      showSubResults: true,
      showEmptyFilters: false,
      autofocus: true,
      translations: JSON.parse(box.dataset.strings || "{}"),
      processTerm: remember,
    });
    box.querySelector("input")?.setAttribute("aria-label", JSON.parse(box.dataset.strings || "{}").search_label || "");
    const query = new URLSearchParams(location.search).get("q");
    if (query) ui.triggerSearch(query);
  };
  document.head.append(script);
})();
