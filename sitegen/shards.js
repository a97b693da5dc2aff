// Pagefind's search API over one language's index shards, for the search page
// (written by sitegen as pagefind/pagefind.js; see sitegen/shards.py).
//
// pagefind/shards.json lists the shards of each language. The first is loaded as
// Pagefind's primary index and the others are merged into it, each tagged with a
// filter naming it. Pagefind answers a word that no page of an index starts with
// by the longest word of that index that starts the query, so a shard without the
// word would add pages a single index never gives: each search therefore asks the
// language's vocabulary index (one page per shard, holding its words; words/pages.json
// says which page stands for which shard) first, and searches only the shards that
// hold every word of the query. Exact "quoted"
// searches and filter-only ones need no such step.
const here = new URL(".", import.meta.url);
const manifest = await fetch(new URL("shards.json", here)).then((response) => response.json());
const wanted = (document.documentElement.lang || "").toLowerCase();
const lang =
  Object.keys(manifest.languages).find((code) => code.toLowerCase() === wanted) ||
  Object.keys(manifest.languages).find((code) => code.toLowerCase() === wanted.split("-")[0]) ||
  Object.keys(manifest.languages)[0];
const shards = manifest.languages[lang] || [];
const SHARD = "sitegen_shard";
const path = (name) => new URL(name + "/", here).pathname;
const pagefind = await import(new URL(shards[0] + "/pagefind.js", here).href);
let words = null; // the vocabulary index, when the language has several shards
let labels = {}; // its pages' ids, to the shards they stand for
let merged = null;

const hidden = (filters) => {
  if (!filters) return filters;
  const { [SHARD]: _shard, ...rest } = filters;
  return rest;
};

const ready = (options) => {
  merged ??= (async () => {
    await pagefind.options({ ...options, mergeFilter: { [SHARD]: shards[0] } });
    for (const name of shards.slice(1)) {
      await pagefind.mergeIndex(path(name), { baseUrl: options.baseUrl, mergeFilter: { [SHARD]: name } });
    }
    if (manifest.words?.[lang]) {
      labels = await fetch(new URL("pages.json", new URL(path(manifest.words[lang]), location.href))).then((r) => r.json());
      words = pagefind.createInstance({ basePath: path(manifest.words[lang]), baseUrl: options.baseUrl });
    }
  })();
  return merged;
};

const scoped = async (term, options) => {
  if (!words || term === null || /^\s*".+"\s*$/.test(term)) return options;
  const found = await words.search(term);
  const holding = [...new Set((found?.results || []).map((result) => labels[result.id]).filter(Boolean))];
  return { ...options, filters: { ...(options.filters || {}), [SHARD]: { any: holding } } };
};

let chosen = {};
export const options = async (given) => {
  chosen = { ...chosen, ...given };
};
export const init = async () => ready(chosen);
export const mergeIndex = async (indexPath, given) => {
  await ready(chosen);
  return pagefind.mergeIndex(indexPath, given);
};
export const preload = async (term, given = {}) => {
  await ready(chosen);
  return pagefind.preload(term, given);
};
export const search = async (term, given = {}) => {
  await ready(chosen);
  const response = await pagefind.search(term, await scoped(term, given));
  if (response) {
    response.filters = hidden(response.filters);
    response.totalFilters = hidden(response.totalFilters);
  }
  return response;
};
let latest = 0;
export const debouncedSearch = async (term, given = {}, wait = 300) => {
  const mine = ++latest;
  await new Promise((resolve) => setTimeout(resolve, wait));
  return mine === latest ? search(term, given) : null;
};
export const filters = async () => {
  await ready(chosen);
  return hidden(await pagefind.filters());
};
export const destroy = async () => {
  await words?.destroy();
  await pagefind.destroy();
  merged = null;
  words = null;
};
