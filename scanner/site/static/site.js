// The catalog search page: filters window.SCANNER_SITE (loaded from data/catalog.js) by text
// and by facets, and keeps its state in the URL hash so a filtered view can be linked.
// Written for this site, no dependencies. Harvested strings are set as textContent only.
(function () {
  "use strict";
  var LIMIT = 500; // results drawn at once; the count always covers every match
  var TITLES = { repo: "Repository", kind: "Kind", practice: "Practice", domain: "Domain" };
  var site = window.SCANNER_SITE;
  var facetsEl = document.getElementById("facets");
  var resultsEl = document.getElementById("results");
  var countEl = document.getElementById("result-count");
  var searchEl = document.getElementById("search");
  if (!site || !facetsEl || !resultsEl || !countEl || !searchEl) {
    if (facetsEl) facetsEl.textContent = "The catalog data (data/catalog.js) did not load.";
    return;
  }
  var facets = site.facets;
  var labels = site.labels || {};
  var assets = site.assets;
  var state = { q: "" };
  var boxes = {};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function valuesOf(asset, facet) {
    var v = asset[facet];
    return Array.isArray(v) ? v : [v];
  }
  function labelOf(facet, value) {
    return (labels[facet] && labels[facet][value]) || value;
  }

  assets.forEach(function (a) {
    a.text = [a.id, a.title, a.name, a.summary, a.kind, a.domain.join(" ")]
      .join(" ").toLowerCase();
  });

  facets.forEach(function (facet) {
    state[facet] = new Set();
    boxes[facet] = {};
    var seen = new Set();
    assets.forEach(function (a) { valuesOf(a, facet).forEach(function (v) { seen.add(v); }); });
    if (facet === "repo") site.repositories.forEach(function (r) { seen.add(r); });
    var set = el("fieldset", "facet");
    set.dataset.facet = facet;
    set.appendChild(el("legend", "", TITLES[facet] || facet));
    Array.from(seen).sort().forEach(function (value) {
      var row = el("label", "facet-value");
      var box = el("input");
      box.type = "checkbox";
      box.value = value;
      box.dataset.facet = facet;
      box.addEventListener("change", function () {
        if (box.checked) state[facet].add(value); else state[facet].delete(value);
        update(true);
      });
      var count = el("span", "count", "0");
      row.appendChild(box);
      row.appendChild(el("span", "facet-label", labelOf(facet, value)));
      row.appendChild(count);
      boxes[facet][value] = { box: box, count: count, row: row };
      set.appendChild(row);
    });
    facetsEl.appendChild(set);
  });
  var hint = facetsEl.querySelector(".hint");
  if (hint) hint.remove();

  function matchesText(a, tokens) {
    for (var i = 0; i < tokens.length; i++) if (a.text.indexOf(tokens[i]) < 0) return false;
    return true;
  }
  function matchesFacets(a, except) {
    for (var i = 0; i < facets.length; i++) {
      var f = facets[i];
      if (f === except || state[f].size === 0) continue;
      if (!valuesOf(a, f).some(function (v) { return state[f].has(v); })) return false;
    }
    return true;
  }

  function readHash() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    state.q = params.get("q") || "";
    facets.forEach(function (f) {
      state[f] = new Set(params.getAll(f).filter(function (v) { return v in boxes[f]; }));
    });
    searchEl.value = state.q;
  }
  function writeHash() {
    var params = new URLSearchParams();
    if (state.q) params.append("q", state.q);
    facets.forEach(function (f) {
      Array.from(state[f]).sort().forEach(function (v) { params.append(f, v); });
    });
    var hash = params.toString();
    try {
      history.replaceState(null, "", hash ? "#" + hash : window.location.pathname);
    } catch (e) {
      // Some browsers refuse replaceState on file:// pages; the view still works.
    }
  }

  function drawResult(a) {
    var item = el("li", "result");
    item.dataset.id = a.id;
    var link = el("a", "result-title", a.title);
    link.href = a.url;
    item.appendChild(link);
    item.appendChild(el("span", "kind", a.kind));
    if (a.status !== "active") item.appendChild(el("span", "badge", a.status));
    if (a.issues) item.appendChild(el("span", "badge issues", a.issues + " issue(s)"));
    item.appendChild(el("code", "result-id", a.id));
    if (a.summary) item.appendChild(el("p", "result-summary", a.summary));
    if (a.domain.length) {
      item.appendChild(el("p", "result-domains",
        a.domain.map(function (d) { return labelOf("domain", d); }).join(" · ")));
    }
    return item;
  }

  function update(save) {
    var tokens = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var textHits = assets.filter(function (a) { return matchesText(a, tokens); });
    var shown = textHits.filter(function (a) { return matchesFacets(a, null); });
    facets.forEach(function (f) {
      var counts = {};
      textHits.forEach(function (a) {
        if (!matchesFacets(a, f)) return;
        valuesOf(a, f).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
      });
      Object.keys(boxes[f]).forEach(function (v) {
        var b = boxes[f][v];
        b.box.checked = state[f].has(v);
        b.count.textContent = String(counts[v] || 0);
        b.row.classList.toggle("zero", !counts[v] && !b.box.checked);
      });
    });
    countEl.dataset.shown = String(shown.length);
    countEl.dataset.total = String(assets.length);
    countEl.textContent = "";
    countEl.appendChild(el("strong", "", String(shown.length)));
    countEl.appendChild(document.createTextNode(" of " + assets.length + " assets"));
    if (shown.length > LIMIT) {
      countEl.appendChild(document.createTextNode(" (the first " + LIMIT + " shown)"));
    }
    var list = document.createDocumentFragment();
    shown.slice(0, LIMIT).forEach(function (a) { list.appendChild(drawResult(a)); });
    resultsEl.textContent = "";
    resultsEl.appendChild(list);
    if (save) writeHash();
  }

  searchEl.addEventListener("input", function () { state.q = searchEl.value; update(true); });
  document.getElementById("clear").addEventListener("click", function () {
    state.q = "";
    facets.forEach(function (f) { state[f].clear(); });
    searchEl.value = "";
    update(true);
  });
  window.addEventListener("hashchange", function () { readHash(); update(false); });
  readHash();
  update(false);
  document.body.dataset.ready = "true";
})();
