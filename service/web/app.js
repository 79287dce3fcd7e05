// The archive's search box: results as you type, highlighted snippets, facets, and
// "did you mean". Talks only to this service's JSON API; builds every node from text,
// so nothing from a response is ever parsed as HTML.
"use strict";

const input = document.getElementById("q");
const results = document.getElementById("results");
const statusLine = document.getElementById("status");
const facetsBox = document.getElementById("facets");
const completions = document.getElementById("completions");
const correction = document.getElementById("correction");
const corrected = document.getElementById("corrected");

const filters = { tag: null, kind: null };
let latest = 0;  // answers to older keystrokes are dropped
let timer = null;  // the debounce of keystrokes

function headers() {
  // A site that knows its visitor passes their token in; anonymous otherwise.
  const token = window.localStorage.getItem("archiveToken");
  return token ? { Authorization: "Bearer " + token } : {};
}

async function getJson(path, params) {
  const url = path + "?" + new URLSearchParams(params).toString();
  const response = await fetch(url, { headers: headers() });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}

// "a <mark>b</mark> c" -> text and <mark> nodes; entities decoded by the parser-free route.
function snippetNodes(snippet) {
  const decode = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
    .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  const out = [];
  snippet.split(/(<mark>|<\/mark>)/).reduce((inMark, part) => {
    if (part === "<mark>") return true;
    if (part === "</mark>") return false;
    if (part) {
      const text = document.createTextNode(decode(part));
      if (inMark) { const m = document.createElement("mark"); m.appendChild(text); out.push(m); }
      else out.push(text);
    }
    return inMark;
  }, false);
  return out;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  children.flat().forEach((c) => node.append(c));
  return node;
}

function renderResults(data) {
  results.replaceChildren(...data.results.map((hit) => {
    const meta = el("div", { class: "meta" }, [hit.kind, hit.published].filter(Boolean).join(" · "));
    if (hit.access === "members") meta.append(el("span", { class: "badge" }, "members"));
    return el("li", { class: "result", "data-id": hit.id },
      el("a", { class: "title", href: hit.url || "#" }, hit.title), meta,
      el("p", { class: "snippet" }, snippetNodes(hit.snippet)));
  }));
  const n = data.total_estimate;
  statusLine.textContent = data.query ? `About ${n} result${n === 1 ? "" : "s"}` : "";
  correction.hidden = !data.corrected_query;
  corrected.textContent = data.corrected_query || "";
}

function renderFacets(facets) {
  facetsBox.replaceChildren();
  for (const [name, items] of [["tag", facets.tag], ["kind", facets.kind]]) {
    if (!items.length) continue;
    facetsBox.append(el("h2", {}, name));
    for (const { value, count } of items.slice(0, 10)) {
      const button = el("button", { type: "button", "aria-pressed": String(filters[name] === value) },
        `${value} (${count})`);
      button.addEventListener("click", () => {
        filters[name] = filters[name] === value ? null : value;
        search(false);
      });
      facetsBox.append(button);
    }
  }
}

function renderCompletions(list) {
  completions.replaceChildren(...list.map((text) => {
    const li = el("li", { role: "option" }, text);
    li.addEventListener("mousedown", (e) => { e.preventDefault(); input.value = text; hideCompletions(); search(false); });
    return li;
  }));
  completions.hidden = list.length === 0;
}

function hideCompletions() { completions.hidden = true; }

// Keystrokes waiting and requests in flight, shown on <body data-pending> so tests (and
// styles) can tell when the page has settled.
function pending(delta) {
  document.body.dataset.pending = String(Number(document.body.dataset.pending || 0) + delta);
}

function cancelTimer() {
  if (timer === null) return;
  clearTimeout(timer);
  timer = null;
  pending(-1);
}

async function search(typing) {
  cancelTimer();
  const q = input.value;
  const ticket = ++latest;
  // One letter typed narrows nothing yet (the service completes words from two letters on).
  if (!q.trim() || (typing && q.trim().length < 2)) { results.replaceChildren(); facetsBox.replaceChildren(); statusLine.textContent = ""; hideCompletions(); return; }
  const params = { q, limit: "10", partial: typing ? "1" : "0" };
  for (const [k, v] of Object.entries(filters)) if (v) params[k] = v;
  pending(1);
  try {
    const [data, suggest] = await Promise.all([
      getJson("/v1/search", params),
      typing ? getJson("/v1/suggest", { q, limit: "5" }) : Promise.resolve(null),
    ]);
    if (ticket !== latest) return;
    renderResults(data);
    renderFacets(data.facets);
    if (suggest) renderCompletions(suggest.completions.filter((c) => c !== q)); else hideCompletions();
  } catch (err) {
    if (ticket === latest) statusLine.textContent = err.message;
  } finally {
    pending(-1);
  }
}

input.addEventListener("input", () => {
  cancelTimer();
  pending(1);
  timer = setTimeout(() => search(true), 60);
});
document.getElementById("search-form").addEventListener("submit", (e) => { e.preventDefault(); hideCompletions(); search(false); });
input.addEventListener("blur", hideCompletions);
corrected.addEventListener("click", (e) => { e.preventDefault(); input.value = corrected.textContent; search(false); });
