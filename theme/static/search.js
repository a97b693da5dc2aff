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

  // A hit in a passage is a sub-result titled with the passage's byline (the theme makes each
  // byline a heading with the id "passage-<n>-voice"). Pagefind would centre its excerpt on the
  // hit and could start it with the byline's words; the title already says who speaks, so the
  // excerpt is cut from the passage's own words: from its first word when the first hit is
  // near it, else from a little before the hit. The page's excerpt comes from before the first
  // passage (the title, summary and lead), so it never runs into a byline either.
  const EXCERPT = 24;
  const BEFORE = 6;
  const BYLINE = /^passage-\d+-voice$/;
  const fromThePassage = (result) => {
    const page = result.meta?.url || result.url;
    const words = (result.raw_content || "").split(/[\r\n\s]+/g);
    const anchors = (result.anchors || []).map((anchor) => anchor.location);
    for (const sub of result.sub_results || []) {
      if (sub.url === page) result.excerpt = sub.excerpt;
      if (!sub.anchor || !BYLINE.test(sub.anchor.id)) continue;
      const first = sub.anchor.location + sub.anchor.text.trim().split(/\s+/).length;
      const end = Math.min(words.length, ...anchors.filter((at) => at > sub.anchor.location));
      const hits = sub.locations.filter((at) => at >= first && at < end);
      const hit = hits.length ? Math.min(...hits) : first;
      const start = hit - first < EXCERPT - BEFORE ? first : hit - BEFORE;
      const stop = Math.min(start + EXCERPT, end);
      if (stop <= start) continue;
      const shown = words.slice(start, stop).map((word, n) => (hits.includes(start + n) ? `<mark>${word}</mark>` : word));
      sub.excerpt = (start > first ? "… " : "") + shown.join(" ") + (stop < end ? " …" : "");
    }
    return result;
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
      processResult: fromThePassage,
    });
    box.querySelector("input")?.setAttribute("aria-label", JSON.parse(box.dataset.strings || "{}").search_label || "");
    const query = new URLSearchParams(location.search).get("q");
    if (query) ui.triggerSearch(query);
  };
  document.head.append(script);
})();
