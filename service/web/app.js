// The archive's search box and results: as-you-type results with highlighted snippets,
// title suggestions, filters, sort, "more results", and the search kept in the address.
// It runs on archive-serve's own page (/) and on a publisher's pages (README: Embedding).
// It talks only to the service's JSON API and builds every node from text, so nothing from
// a response is ever parsed as HTML (the page's CSP forbids inline script anyway).
"use strict";

(function () {
  const PAGE_SIZE = 10;
  const DEBOUNCE_MS = 60;  // keystrokes closer than this make one request
  const BUSY_CUE_MS = 300;  // answers slower than this dim the old results

  const DEFAULT_LABELS = {
    heading: "Search the archive",
    placeholder: "Try: does stretching prevent injury",
    search: "Search",
    suggestions: "Suggestions",
    members: "Members",
    unlocked: "Unlocked",
    join: "Join",
    signIn: "Sign in",
    memberInvite: "Member article: join or sign in to read it all.",
    signedIn: "Signed in: member articles are included.",
    expired: "Your sign-in has expired, so these are public results.",
    more: "More results",
    relevance: "Best match",
    newest: "Newest first",
    sortBy: "Sort",
    filters: "Filter",
    clearFilters: "Clear filters",
    retry: "Try again",
    kinds: { faq: "FAQ" },  // kind slug -> name shown; others read "member-post" as "Member post"
  };

  // ---- Small helpers ----------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    children.flat().forEach((c) => { if (c !== null && c !== undefined && c !== false) node.append(c); });
    return node;
  }

  // "a <mark>b</mark> c" (HTML-escaped by the service) -> text and <mark> nodes, with no
  // HTML parser involved.
  function snippetNodes(snippet) {
    const decode = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
      .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    const out = [];
    let inMark = false;
    for (const part of snippet.split(/(<mark>|<\/mark>)/)) {
      if (part === "<mark>") inMark = true;
      else if (part === "</mark>") inMark = false;
      else if (part) out.push(inMark ? el("mark", {}, decode(part)) : decode(part));
    }
    return out;
  }

  // `text` with the words that start with a typed word marked (suggestions show what
  // matched what the reader typed).
  function markTyped(text, query) {
    const typed = query.toLowerCase().split(/\s+/).filter(Boolean);
    return text.split(/(\s+)/).map((word) => {
      const lower = word.toLowerCase();
      const prefix = typed.filter((t) => lower.startsWith(t)).sort((a, b) => b.length - a.length)[0];
      if (!prefix) return word;
      return [el("mark", {}, word.slice(0, prefix.length)), word.slice(prefix.length)];
    }).flat();
  }

  const slugLabel = (slug) => {
    const words = slug.replace(/[-_]+/g, " ").trim();
    return words.charAt(0).toUpperCase() + words.slice(1);
  };

  function readableDate(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    if (!y || !m || !d) return iso;
    return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })
      .format(new Date(Date.UTC(y, m - 1, d)));
  }

  // The claims of a JWT, for display only (the service verifies the token).
  function claimsOf(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part));
    } catch (e) {
      return {};
    }
  }

  class ServiceError extends Error {
    constructor(kind, message, status) {
      super(message);
      this.kind = kind;  // "network", "service", "expired", "request"
      this.status = status;
    }
  }

  // ---- State in the address ---------------------------------------------------------

  // What the reader asked for; the address holds the same (q, tag..., kind, year, sort,
  // page, and partial while the last word is unfinished).
  function emptyState() {
    return { q: "", tags: [], kind: "", year: "", sort: "relevance", page: 1, partial: false };
  }

  function stateFromUrl(search) {
    const p = new URLSearchParams(search);
    const page = Number(p.get("page"));
    return {
      q: p.get("q") || "",
      tags: p.getAll("tag"),
      kind: p.get("kind") || "",
      year: /^\d{4}$/.test(p.get("year") || "") ? p.get("year") : "",
      sort: p.get("sort") === "newest" ? "newest" : "relevance",
      page: Number.isInteger(page) && page > 1 && page <= 10 ? page : 1,
      partial: p.get("partial") === "1",
    };
  }

  function urlFromState(s) {
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    s.tags.forEach((t) => p.append("tag", t));
    if (s.kind) p.set("kind", s.kind);
    if (s.year) p.set("year", s.year);
    if (s.sort !== "relevance") p.set("sort", s.sort);
    if (s.page > 1) p.set("page", String(s.page));
    if (s.partial && s.q) p.set("partial", "1");
    const text = p.toString();
    return text ? "?" + text : location.pathname;
  }

  const hasFilters = (s) => s.tags.length > 0 || Boolean(s.kind) || Boolean(s.year);

  // ---- The widget -------------------------------------------------------------------

  let instances = 0;

  class ArchiveSearch {
    constructor(root, options) {
      this.root = root;
      this.options = options;
      this.labels = Object.assign({}, DEFAULT_LABELS, options.labels || {});
      this.labels.kinds = Object.assign({}, DEFAULT_LABELS.kinds, (options.labels || {}).kinds || {});
      const n = instances;  // ids stay unique when a page holds several widgets
      this.id = (name) => (n === 1 ? "" : `as${n}-`) + name;
      this.state = emptyState();
      this.latest = 0;  // answers to older requests are dropped
      this.timer = null;  // the debounce of keystrokes
      this.pendingCount = 0;
      this.filtersChosenFor = "";  // the query the filters were picked on
      this.choices = [];  // the suggestions shown
      this.active = -1;  // the suggestion chosen with the arrow keys
      this.expiredToken = null;  // a token the service refused: searches go public
      this.currentToken = null;  // the token of the latest answer
      this.typingEntry = false;  // typing after a chosen search starts one history entry
      this.build();
      this.setPending(0);
    }

    // ---- Building ---------------------------------------------------------------------

    build() {
      const L = this.labels;
      this.input = el("input", {
        id: this.id("q"), name: "q", type: "search", placeholder: L.placeholder, autocomplete: "off",
        spellcheck: "false", role: "combobox", "aria-expanded": "false", "aria-autocomplete": "list",
        "aria-controls": this.id("suggestions"),
      });
      this.list = el("ul", { id: this.id("suggestions"), role: "listbox", "aria-label": L.suggestions, hidden: true });
      this.account = el("p", { class: "as-account", id: this.id("account") });
      this.sortSelect = el("select", { id: this.id("sort"), "aria-label": L.sortBy },
        el("option", { value: "relevance" }, L.relevance), el("option", { value: "newest" }, L.newest));
      this.status = el("h2", { id: this.id("status"), class: "as-status", tabindex: "-1", "aria-live": "polite" });
      this.notice = el("div", { id: this.id("notice"), class: "as-notice", role: "alert", hidden: true });
      this.correction = el("p", { id: this.id("correction"), class: "as-correction", hidden: true });
      this.chips = el("div", { id: this.id("chips"), class: "as-chips", hidden: true });
      this.results = el("ol", { id: this.id("results"), class: "as-results", "aria-labelledby": this.id("status") });
      this.moreButton = el("button", { type: "button", id: this.id("more"), class: "as-more", hidden: true }, L.more);
      this.facets = el("nav", { id: this.id("facets"), class: "as-facets", "aria-label": L.filters });
      this.intro = el("section", { id: this.id("intro"), class: "as-intro", hidden: true });
      this.form = el("form", { role: "search", class: "as-form", "aria-label": L.heading },
        el("label", { for: this.id("q"), class: "as-visually-hidden" }, L.heading),
        el("div", { class: "as-combo" }, this.input, this.list),
        el("button", { type: "submit", class: "as-submit" }, L.search));
      this.bar = el("div", { class: "as-bar" }, this.status,
        el("label", { class: "as-sort" }, el("span", { "aria-hidden": "true" }, L.sortBy + " "), this.sortSelect));
      const body = el("div", { class: "as-body" },
        el("div", { class: "as-main" }, this.bar,
          this.notice, this.correction, this.chips, this.intro, this.results, this.moreButton),
        this.facets);
      const heading = this.options.heading === false ? null : el("h1", { class: "as-title" }, L.heading);
      this.root.classList.add("as-root");
      this.root.replaceChildren(el("div", { class: "as-head" }, heading, this.account), this.form, body);

      this.input.addEventListener("input", () => this.onInput());
      this.input.addEventListener("keydown", (e) => this.onKeydown(e));
      this.input.addEventListener("blur", () => this.closeList());
      this.form.addEventListener("submit", (e) => { e.preventDefault(); this.onSubmit(); });
      this.sortSelect.addEventListener("change", () => {
        this.commit(Object.assign({}, this.state, { sort: this.sortSelect.value, page: 1 }));
      });
      this.moreButton.addEventListener("click", () => this.more());
      if (this.options.history) {
        window.addEventListener("popstate", () => this.restore(stateFromUrl(location.search)));
      }
    }

    // ---- Events -----------------------------------------------------------------------

    onInput() {
      this.cancelTimer();
      const q = this.input.value;
      const keep = this.filtersChosenFor && q.trim() &&
        (q.toLowerCase().startsWith(this.filtersChosenFor) || this.filtersChosenFor.startsWith(q.trim().toLowerCase()));
      const filters = keep ? this.state : emptyState();
      // A word still being typed is searched as a prefix; a space or Enter finishes it.
      this.state = Object.assign({}, this.state, {
        q, tags: filters.tags, kind: filters.kind, year: filters.year, page: 1, partial: /\S$/.test(q),
      });
      if (!keep) this.filtersChosenFor = "";
      this.setPending(1);
      this.timer = setTimeout(() => { this.timer = null; this.setPending(-1); this.run({ typing: true }); }, DEBOUNCE_MS);
    }

    onSubmit() {
      this.cancelTimer();
      if (this.active >= 0) return this.choose(this.choices[this.active]);
      this.closeList();
      // Enter keeps what is on screen: an unfinished word stays a prefix when it matched.
      const s = Object.assign({}, this.state, { q: this.input.value, page: 1 });
      if (!s.q.trim()) s.partial = false;
      this.commit(s);
    }

    onKeydown(e) {
      const open = !this.list.hidden;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!this.choices.length) return;
        e.preventDefault();
        if (!open) this.openList();
        const n = this.choices.length;
        this.setActive(e.key === "ArrowDown" ? (this.active + 1) % n : (this.active <= 0 ? n - 1 : this.active - 1));
      } else if (e.key === "Escape") {
        // Chromium clears a search box on Escape; a reader expects the list to close.
        if (open) { e.preventDefault(); this.closeList(); }
      }
    }

    choose(option) {
      this.closeList();
      if (option.url) { window.location.assign(option.url); return; }
      this.input.value = option.text;
      this.commit(Object.assign({}, this.state, { q: option.text, page: 1, partial: false }));
    }

    // ---- Suggestions --------------------------------------------------------------------

    renderSuggestions(suggest, q) {
      const completions = suggest.completions.filter((c) => c.toLowerCase() !== q.trim().toLowerCase()).slice(0, 4);
      const titles = suggest.titles.slice(0, 4);
      this.choices = [
        ...completions.map((text) => ({ text })),
        ...titles.filter((t) => t.url).map((t) => ({ text: t.title, url: t.url })),
      ];
      this.list.replaceChildren(...this.choices.map((option, i) => {
        const li = el("li", { role: "option", id: this.id("option-" + i), "aria-selected": "false",
          class: option.url ? "as-option as-option-title" : "as-option" },
        option.url ? el("span", { class: "as-option-kind" }, "Article") : null,
        el("span", {}, markTyped(option.text, q)));
        li.addEventListener("mousedown", (e) => { e.preventDefault(); this.choose(option); });
        return li;
      }));
      this.active = -1;
      this.input.removeAttribute("aria-activedescendant");
      if (this.choices.length && document.activeElement === this.input) this.openList(); else this.closeList();
    }

    openList() {
      this.list.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    }

    closeList() {
      this.list.hidden = true;
      this.input.setAttribute("aria-expanded", "false");
      this.setActive(-1);
    }

    setActive(i) {
      this.active = i;
      [...this.list.children].forEach((li, j) => li.setAttribute("aria-selected", String(i === j)));
      if (i >= 0) {
        this.input.setAttribute("aria-activedescendant", this.id("option-" + i));
        this.list.children[i].scrollIntoView({ block: "nearest" });
      } else {
        this.input.removeAttribute("aria-activedescendant");
      }
    }

    // ---- Running a search ---------------------------------------------------------------

    // A search the reader chose (Enter, a filter, sort, a link): a new history entry.
    commit(state, focusAfter) {
      this.state = state;
      this.typingEntry = false;
      this.run({ typing: false, push: true, focusAfter });
    }

    restore(state) {
      this.cancelTimer();
      this.state = state;
      this.input.value = state.q;
      this.typingEntry = false;
      this.filtersChosenFor = hasFilters(state) ? state.q.trim().toLowerCase() : "";
      this.run({ typing: false });
    }

    more() {
      const before = this.results.children.length;
      this.state = Object.assign({}, this.state, { page: this.state.page + 1 });
      this.run({ typing: false, push: true, offset: before, append: true });
    }

    params(offset, limit) {
      const s = this.state;
      const p = new URLSearchParams({ q: s.q, limit: String(limit), offset: String(offset), facets: "1" });
      if (s.partial) p.set("partial", "1");
      s.tags.forEach((t) => p.append("tag", t));
      if (s.kind) p.set("kind", s.kind);
      if (s.year) { p.set("from", s.year + "-01-01"); p.set("to", s.year + "-12-31"); }
      if (s.sort === "newest") p.set("sort", "newest");
      return p;
    }

    saveUrl(push) {
      if (!this.options.history) return;
      const url = urlFromState(this.state);
      if (url === location.search || (url === location.pathname && !location.search)) return;
      if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
    }

    async run({ typing, push = false, offset = 0, append = false, focusAfter = null }) {
      const s = this.state;
      this.sortSelect.value = s.sort;
      if (typing && !this.typingEntry) { push = true; this.typingEntry = true; }
      this.saveUrl(push);
      const ticket = ++this.latest;
      if (!s.q.trim() && !hasFilters(s)) return this.showIntro();
      // One letter narrows nothing yet (the service completes words from two letters on).
      if (typing && s.q.trim().length < 2 && !hasFilters(s)) return this.showIntro();
      const limit = append ? PAGE_SIZE : PAGE_SIZE * s.page;
      this.setPending(1);
      const cue = setTimeout(() => this.busy(true), BUSY_CUE_MS);
      try {
        const [data, suggest] = await Promise.all([
          this.fetchJson("/v1/search", this.params(offset, limit)),
          typing ? this.fetchJson("/v1/suggest", new URLSearchParams({ q: s.q, limit: "5" })).catch(() => null)
            : Promise.resolve(null),
        ]);
        if (ticket !== this.latest) return;
        // A chosen search keeps an unfinished word a prefix when that matched (what was on
        // screen), and reads it as a word otherwise (which brings "did you mean").
        if (!typing && s.partial && data.total_estimate === 0) {
          this.state = Object.assign({}, s, { partial: false });
          this.saveUrl(false);
          return this.run({ typing: false, focusAfter });
        }
        this.renderAnswer(data, append);
        if (suggest) this.renderSuggestions(suggest, s.q); else this.closeList();
        if (focusAfter) focusAfter();
      } catch (err) {
        if (ticket === this.latest) this.showError(err);
      } finally {
        clearTimeout(cue);
        if (ticket === this.latest) this.busy(false);
        this.setPending(-1);
      }
    }

    async token() {
      const t = this.options.getToken ? await this.options.getToken() : null;
      return t && t !== this.expiredToken ? t : null;
    }

    // GET a JSON answer; an expired or refused token falls back to public results.
    async fetchJson(path, params) {
      const token = await this.token();
      const answer = await this.get(path, params, token);
      if (answer.status === 401 && token) {
        this.expiredToken = token;
        this.currentToken = null;
        if (this.options.onTokenRejected) this.options.onTokenRejected();
        return this.decode(await this.get(path, params, null));
      }
      this.currentToken = token;
      return this.decode(answer);
    }

    async get(path, params, token) {
      try {
        return await fetch(this.options.service + path + "?" + params.toString(),
          { headers: token ? { Authorization: "Bearer " + token } : {} });
      } catch (e) {
        throw new ServiceError("network", "The search service could not be reached. Check your connection and try again.");
      }
    }

    async decode(response) {
      let body = null;
      try { body = await response.json(); } catch (e) { body = null; }
      if (response.ok && body) return body;
      if (response.status >= 400 && response.status < 500 && body && body.error) {
        throw new ServiceError("request", body.error.message, response.status);
      }
      throw new ServiceError("service", `The search service is having trouble (error ${response.status}). Try again in a moment.`,
        response.status);
    }

    // ---- Rendering ----------------------------------------------------------------------

    renderAnswer(data, append) {
      const s = this.state;
      this.intro.hidden = true;
      this.notice.hidden = true;
      this.bar.hidden = false;
      this.renderAccount();
      const hits = data.results.map((hit) => this.resultItem(hit));
      if (append) this.results.append(...hits); else this.results.replaceChildren(...hits);
      const shown = this.results.children.length;
      const n = data.total_estimate;
      this.status.textContent = n === 0 ? "No results" : `${n === shown ? "" : "About "}${n} result${n === 1 ? "" : "s"}`;
      this.moreButton.hidden = shown >= n || data.results.length === 0 || shown >= 100;
      this.renderCorrection(s.partial ? "" : data.corrected_query);
      this.renderChips();
      this.renderFacets(data.facets);
      if (n === 0) this.results.replaceChildren(this.noResults());
      const firstNew = append && hits.length ? hits[0].querySelector("a") : null;
      if (firstNew) firstNew.focus();
      this.root.dispatchEvent(new CustomEvent("archivesearch:results", { detail: { query: s.q, total: n, at: performance.now() } }));
    }

    resultItem(hit) {
      const L = this.labels;
      const claims = this.claims();
      const signedIn = claims.tier === "member" || claims.tier === "editor";
      const unlocked = (claims.unlocked || []).includes(hit.id);
      const meta = [];
      if (hit.kind) meta.push(el("span", { class: "as-kind" }, L.kinds[hit.kind] || slugLabel(hit.kind)));
      if (hit.published) meta.push(el("time", { datetime: hit.published }, readableDate(hit.published)));
      if (hit.authors && hit.authors.length) meta.push(el("span", { class: "as-authors" }, "by " + hit.authors.join(", ")));
      const badges = [];
      if (hit.access === "members") {
        badges.push(unlocked ? el("span", { class: "as-badge as-unlocked" }, L.unlocked)
          : el("span", { class: "as-badge as-members" }, L.members));
      }
      const title = hit.url ? el("a", { class: "as-hit-title", href: hit.url }, hit.title)
        : el("span", { class: "as-hit-title" }, hit.title);
      return el("li", { class: "as-result", "data-id": hit.id },
        el("h3", { class: "as-hit-heading" }, title, badges),
        el("p", { class: "as-meta" }, meta.map((m, i) => (i ? [" · ", m] : m)).flat()),
        hit.section ? el("p", { class: "as-section" }, el("span", { class: "as-visually-hidden" }, "In section: "), hit.section) : null,
        hit.snippet ? el("p", { class: "as-snippet" }, snippetNodes(hit.snippet)) : null,
        hit.tags.length ? el("ul", { class: "as-tags", "aria-label": "Tags" }, hit.tags.map((t) => el("li", {}, slugLabel(t)))) : null,
        hit.access === "members" && !signedIn && !unlocked ? this.invitation(L.memberInvite) : null);
    }

    invitation(text) {
      const o = this.options;
      if (!o.joinUrl && !o.signInUrl) return null;
      return el("p", { class: "as-invite" }, text + " ",
        o.joinUrl ? el("a", { href: o.joinUrl }, this.labels.join) : null,
        o.joinUrl && o.signInUrl ? " · " : null,
        o.signInUrl ? el("a", { href: o.signInUrl }, this.labels.signIn) : null);
    }

    renderCorrection(corrected) {
      this.correction.hidden = !corrected;
      if (!corrected) return this.correction.replaceChildren();
      const link = el("a", { href: urlFromState(Object.assign({}, this.state, { q: corrected, page: 1, partial: false })), id: this.id("corrected") }, corrected);
      link.addEventListener("click", (e) => {
        e.preventDefault();
        this.input.value = corrected;
        this.commit(Object.assign({}, this.state, { q: corrected, page: 1, partial: false }), () => this.status.focus());
      });
      this.correction.replaceChildren("Did you mean ", link, "?");
    }

    // The filters in force, each removable, and one button to clear them all.
    renderChips() {
      const s = this.state;
      const chips = [
        ...s.tags.map((t) => ({ label: slugLabel(t), drop: { tags: s.tags.filter((x) => x !== t) } })),
        ...(s.kind ? [{ label: this.labels.kinds[s.kind] || slugLabel(s.kind), drop: { kind: "" } }] : []),
        ...(s.year ? [{ label: s.year, drop: { year: "" } }] : []),
      ];
      this.chips.hidden = chips.length === 0;
      this.chips.replaceChildren(...(chips.length ? [el("span", { class: "as-chips-label" }, "Filtered by:")] : []),
        ...chips.map((c) => el("button", { type: "button", class: "as-chip", "aria-label": `Remove filter ${c.label}`,
          onclick: () => this.commit(Object.assign({}, s, c.drop, { page: 1 }), () => this.input.focus()) }, c.label, el("span", { "aria-hidden": "true" }, " ×"))),
        ...(chips.length > 1 ? [this.clearButton()] : []));
    }

    clearButton() {
      return el("button", { type: "button", class: "as-clear", onclick: () => {
        this.filtersChosenFor = "";
        this.commit(Object.assign({}, this.state, { tags: [], kind: "", year: "", page: 1 }), () => this.input.focus());
      } }, this.labels.clearFilters);
    }

    renderFacets(facets) {
      const s = this.state;
      const groups = [
        ["Kind", "kind", facets.kind, (v) => this.labels.kinds[v] || slugLabel(v), (v) => s.kind === v,
          (v) => ({ kind: s.kind === v ? "" : v })],
        ["Topic", "tag", facets.tag, slugLabel, (v) => s.tags.includes(v),
          (v) => ({ tags: s.tags.includes(v) ? s.tags.filter((t) => t !== v) : [...s.tags, v] })],
        ["Year", "year", [...facets.year].sort((a, b) => b.value.localeCompare(a.value)), (v) => v, (v) => s.year === v,
          (v) => ({ year: s.year === v ? "" : v })],
      ];
      const nodes = [];
      for (const [title, field, items, label, chosen, toggle] of groups) {
        if (!items.length) continue;
        const headingId = this.id("facet-" + field);
        nodes.push(el("h2", { id: headingId }, title),
          el("ul", { "aria-labelledby": headingId }, items.slice(0, 10).map(({ value, count }) =>
            el("li", {}, el("button", { type: "button", "aria-pressed": String(chosen(value)), "data-facet": field + ":" + value,
              onclick: () => {
                this.filtersChosenFor = s.q.trim().toLowerCase();
                const key = field + ":" + value;
                this.commit(Object.assign({}, this.state, toggle(value), { page: 1 }), () => this.refocusFacet(key));
              } }, el("span", {}, label(value)), el("span", { class: "as-count" }, String(count)))))));
      }
      if (hasFilters(s)) nodes.push(this.clearButton());
      this.facets.replaceChildren(...nodes);
      this.facets.hidden = nodes.length === 0;
    }

    // After a filter is chosen the buttons are new: focus the same one, or the results.
    refocusFacet(key) {
      const same = [...this.facets.querySelectorAll("button[data-facet]")].find((b) => b.dataset.facet === key);
      (same || this.status).focus();
    }

    noResults() {
      const s = this.state;
      const tips = [];
      if (hasFilters(s)) {
        tips.push(el("li", {}, "Remove a filter: ", this.chips.hidden ? null : this.clearButton()));
      }
      tips.push(el("li", {}, "Check the spelling, or use fewer or more general words."));
      if (!this.signedIn()) {
        const inv = this.invitation("Members' articles are searched in full for members.");
        if (inv) tips.push(el("li", {}, [...inv.childNodes]));
      }
      return el("li", { class: "as-empty" }, el("p", {}, `Nothing matched “${s.q.trim()}”${hasFilters(s) ? " with these filters" : ""}.`),
        el("ul", {}, tips));
    }

    async showIntro() {
      this.results.replaceChildren();
      this.facets.replaceChildren();
      this.facets.hidden = true;
      this.bar.hidden = true;
      this.chips.hidden = true;
      this.moreButton.hidden = true;
      this.notice.hidden = true;
      this.renderCorrection("");
      this.status.textContent = "";
      this.closeList();
      this.intro.hidden = false;
      this.renderAccount();
      if (this.intro.childNodes.length) return;
      // What the archive holds: a listing without a query, for its size and top topics.
      try {
        const data = await this.fetchJson("/v1/search", new URLSearchParams({ q: "", limit: "1", facets: "1" }));
        const topics = data.facets.tag.slice(0, 8).map(({ value }) => el("li", {},
          el("button", { type: "button", class: "as-topic", onclick: () => {
            this.input.value = slugLabel(value).toLowerCase();
            this.commit(Object.assign(emptyState(), { q: this.input.value, sort: this.state.sort }), () => this.status.focus());
          } }, slugLabel(value))));
        this.intro.replaceChildren(
          el("p", {}, `Search ${data.total_estimate} articles by title, author, topic or any words in the text.`),
          topics.length ? el("h2", {}, "Popular topics") : null,
          topics.length ? el("ul", { class: "as-topics" }, topics) : null);
        this.renderAccount();
      } catch (e) {
        this.intro.replaceChildren(el("p", {}, "Type a few words to search the archive."));
      }
    }

    showError(err) {
      // Old results under a new error would read as the answer to the new query.
      this.results.replaceChildren();
      this.facets.replaceChildren();
      this.facets.hidden = true;
      this.moreButton.hidden = true;
      this.renderCorrection("");
      this.intro.hidden = true;
      this.bar.hidden = false;
      this.status.textContent = err.kind === "request" ? "This search could not be run" : "Search is unavailable";
      const retry = el("button", { type: "button", class: "as-retry", onclick: () => this.run({ typing: false }) }, this.labels.retry);
      this.notice.replaceChildren(el("p", {}, err.message), err.kind === "request" ? null : retry);
      this.notice.hidden = false;
    }

    claims() {
      return this.currentToken ? claimsOf(this.currentToken) : {};
    }

    signedIn() {
      const c = this.claims();
      return c.tier === "member" || c.tier === "editor";
    }

    // Signed in, expired, or anonymous (with the site's invitation).
    renderAccount() {
      const L = this.labels;
      if (this.signedIn()) {
        this.account.replaceChildren(el("span", { class: "as-signed-in" }, L.signedIn));
      } else if (this.expiredToken) {
        this.account.replaceChildren(L.expired + " ",
          this.options.signInUrl ? el("a", { href: this.options.signInUrl }, L.signIn) : null);
      } else {
        const inv = this.invitation("Some articles are for members.");
        this.account.replaceChildren(...(inv ? [...inv.childNodes] : []));
      }
    }

    // A slow answer: the results are marked busy for assistive technology, and the status
    // line says so for everyone.
    busy(on) {
      if (on) this.results.setAttribute("aria-busy", "true"); else this.results.removeAttribute("aria-busy");
      this.root.classList.toggle("as-busy", on);
    }

    // Keystrokes waiting and requests in flight, on the root's data-pending, so tests (and
    // styles) can tell when the widget has settled.
    setPending(delta) {
      this.pendingCount += delta;
      this.root.dataset.pending = String(this.pendingCount);
    }

    cancelTimer() {
      if (this.timer === null) return;
      clearTimeout(this.timer);
      this.timer = null;
      this.setPending(-1);
    }
  }

  // ---- Mounting ---------------------------------------------------------------------

  // Options from a container's data- attributes (data-service, data-join-url,
  // data-sign-in-url, data-token-key, data-history), overridden by `options`.
  function mount(root, options) {
    const d = root.dataset;
    const tokenKey = d.tokenKey || "archiveToken";
    const o = Object.assign({
      service: d.service || "",
      joinUrl: d.joinUrl || "",
      signInUrl: d.signInUrl || "",
      history: d.history !== "false",
      heading: d.heading === "false" ? false : undefined,
      getToken: () => window.localStorage.getItem(tokenKey),
    }, options || {});
    o.service = (o.service || "").replace(/\/$/, "");
    instances += 1;
    const widget = new ArchiveSearch(root, o);
    widget.restore(o.history ? stateFromUrl(location.search) : emptyState());
    root.archiveSearch = widget;
    return widget;
  }

  window.ArchiveSearch = { mount };
  const autoMount = () => document.querySelectorAll("[data-archive-search]").forEach((root) => {
    if (!root.archiveSearch && root.dataset.archiveSearch !== "manual") mount(root);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoMount);
  else autoMount();
})();
