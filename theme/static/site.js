// Keeps the reader's place when switching language: a link to the same
// article in another language carries the current #point-… anchor along.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".languages a[hreflang]");
  if (link && location.hash.startsWith("#point-")) {
    link.href = link.href.split("#")[0] + location.hash;
  }
});
