// leakwatch HTML report. Reads the JSON document in #leakwatch-data (the
// published report or diff schema) and builds the page from it. No network,
// no libraries; every string from the data goes in as text, never as markup.
"use strict";
(function () {
  var pageErrors = [];
  window.addEventListener("error", function (event) { pageErrors.push(String(event.message)); });

  var dataElement = document.getElementById("leakwatch-data");
  var kind = dataElement.getAttribute("data-kind");
  var doc = JSON.parse(dataElement.textContent);
  var root = document.getElementById("leakwatch");
  root.textContent = "";

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function svg(tag, attributes) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    return node;
  }
  function bytes(n) {
    if (n < 1024) return n + " B";
    var units = ["KiB", "MiB", "GiB", "TiB"], value = n, unit = -1;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return value.toFixed(value < 10 ? 2 : 1) + " " + units[unit];
  }
  function count(n) { return Number(n).toLocaleString("en-US"); }
  function basename(path) { return path ? path.slice(path.lastIndexOf("/") + 1) : ""; }
  function frameName(frame) {
    if (frame.function) return frame.function;
    if (frame.module) return basename(frame.module) + "+" + frame.offset;
    return frame.address || "??";
  }
  function frameLocation(frame) {
    if (frame.file) return frame.file + (frame.line ? ":" + frame.line : "");
    return frame.module || "";
  }

  // One shape for both documents: bytes/blocks are what the graph and the
  // default order use (leaked, or grown for a diff).
  var sites = (kind === "diff" ? doc.sites : doc.leaks).map(function (site, index) {
    var stack = site.stack || [];
    var top = stack.length ? stack[0] : null;
    var entry = {
      rank: index + 1, stack: stack,
      frame: top ? frameName(top) : "(no stack recorded)",
      location: top ? frameLocation(top) : "",
    };
    if (kind === "diff") {
      entry.bytes = site.growth_bytes; entry.blocks = site.growth_blocks;
      entry.before = site.bytes_before; entry.after = site.bytes_after;
      entry.neverFreed = site.never_freed_percent === null ? -1 : site.never_freed_percent;
    } else {
      entry.bytes = site.bytes; entry.blocks = site.blocks; entry.kind = site.kind;
      entry.allocation = (site.allocation_kinds || []).join(", ");
    }
    return entry;
  });

  function header() {
    var process = doc.process || {};
    var title = kind === "diff" ? "leakwatch diff" : "leakwatch report";
    var state = "";
    if (kind === "diff") state = "two snapshots " + Number(doc.seconds).toFixed(1) + " s apart";
    else if (process.signal !== null && process.signal !== undefined) state = "killed by signal " + process.signal;
    else if (process.exit_status !== null && process.exit_status !== undefined) state = "exited with status " + process.exit_status;
    root.appendChild(el("h1", { text: title }));
    root.appendChild(el("p", { class: "lw-sub", text: "process " + process.pid +
      (process.command ? " (" + process.command + ")" : "") + (state ? ": " + state : "") }));
  }

  function card(label, value, bad) {
    return el("div", { class: "lw-card" + (bad ? " lw-bad" : "") }, [el("b", { text: value }), el("span", { text: label })]);
  }

  function summary() {
    root.appendChild(el("h2", { text: "Summary" }));
    var cards = el("div", { class: "lw-cards", id: "lw-summary" });
    if (kind === "diff") {
      var growth = sites.reduce(function (sum, site) { return sum + site.bytes; }, 0);
      cards.appendChild(card("growth at " + sites.length + " site(s)", bytes(growth), growth > 0));
      cards.appendChild(card("live bytes, first snapshot", bytes(doc.live_bytes_before)));
      cards.appendChild(card("live bytes, second snapshot", bytes(doc.live_bytes_after)));
      cards.appendChild(card("live blocks", count(doc.live_blocks_before) + " \u2192 " + count(doc.live_blocks_after)));
      root.appendChild(cards);
      return;
    }
    var s = doc.summary;
    cards.appendChild(card("leaked", bytes(s.leaked_bytes), s.leaked_bytes > 0));
    cards.appendChild(card("leaked blocks", count(s.leaked_blocks), s.leaked_blocks > 0));
    cards.appendChild(card("allocations", count(s.allocations)));
    cards.appendChild(card("frees", count(s.frees)));
    cards.appendChild(card("bytes allocated", bytes(s.bytes_allocated)));
    cards.appendChild(card("peak live", bytes(s.peak_live_bytes)));
    if (s.records_dropped) cards.appendChild(card("records dropped", count(s.records_dropped), true));
    if (s.stacks_dropped) cards.appendChild(card("stacks dropped", count(s.stacks_dropped), true));
    root.appendChild(cards);
    var classes = el("table", { id: "lw-classes" }, [el("thead", {}, [el("tr", {}, [
      el("th", { text: "Class" }), el("th", { class: "lw-num", text: "Bytes" }), el("th", { class: "lw-num", text: "Blocks" })])])]);
    var body = el("tbody");
    ["definite", "indirect", "possible", "reachable", "unclassified"].forEach(function (name) {
      var blocks = s[name + "_blocks"];
      if (!blocks && !(name === "definite" && s.classified)) return;
      body.appendChild(el("tr", {}, [el("td", { text: name }), el("td", { class: "lw-num", text: bytes(s[name + "_bytes"]) }),
        el("td", { class: "lw-num", text: count(blocks) })]));
    });
    classes.appendChild(body);
    root.appendChild(el("h2", { text: s.classified ? "Leak classes" : "Leak classes (no reachability scan ran)" }));
    root.appendChild(classes);
    (doc.errors || []).forEach(function (error) { root.appendChild(el("p", { class: "lw-sub", text: "warning: " + error })); });
  }

  // ---- flame graph: root = everything, children = callers from the
  // outermost frame down to the allocating function. ----
  var graph = { name: "all", location: "", value: 0, children: [], parent: null, depth: 0 };
  sites.forEach(function (site) {
    var node = graph;
    node.value += site.bytes;
    for (var i = site.stack.length - 1; i >= 0; i--) {
      var name = frameName(site.stack[i]);
      var child = null;
      for (var j = 0; j < node.children.length; j++) if (node.children[j].name === name) { child = node.children[j]; break; }
      if (!child) {
        child = { name: name, location: frameLocation(site.stack[i]), value: 0, children: [], parent: node, depth: node.depth + 1 };
        node.children.push(child);
      }
      child.value += site.bytes;
      node = child;
    }
  });
  function sortTree(node) {
    node.children.sort(function (a, b) { return b.value - a.value || (a.name < b.name ? -1 : 1); });
    node.children.forEach(sortTree);
  }
  sortTree(graph);
  function treeDepth(node) { return 1 + node.children.reduce(function (m, c) { return Math.max(m, treeDepth(c)); }, 0); }

  var rowHeight = 22, focus = graph, flameBox, detail, searchBox, matchText;
  function hue(name) {
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return "hsl(" + (10 + h % 40) + ", " + (70 + h % 20) + "%, " + (62 + h % 12) + "%)";
  }
  function describe(node) {
    var share = graph.value ? (100 * node.value / graph.value).toFixed(1) : "0";
    return node.name + (node.location ? "  " + node.location : "") + "  \u2014  " + bytes(node.value) + " (" + share + "%)";
  }
  function drawFrame(node, left, width, ancestor) {
    var box = el("div", { class: "lw-frame" + (ancestor ? " lw-ancestor" : ""), "data-name": node.name,
      "data-depth": String(node.depth), "data-bytes": String(node.value), title: describe(node),
      style: "left:" + (left * 100) + "%;width:" + (width * 100) + "%;top:" + (node.depth * rowHeight) + "px;" +
        "background:" + (node === graph ? "#d0d4d9" : hue(node.name)) });
    box.textContent = node.name;
    box.addEventListener("click", function () { zoom(node); });
    box.addEventListener("mouseenter", function () { detail.textContent = describe(node); });
    flameBox.appendChild(box);
  }
  function drawChildren(node, left, scale) {
    var x = left;
    node.children.forEach(function (child) {
      var width = focus.value ? child.value / focus.value : 0;
      if (width * scale >= 0.001) {
        drawFrame(child, x, width, false);
        drawChildren(child, x, scale);
      }
      x += width;
    });
  }
  function render() {
    flameBox.textContent = "";
    flameBox.style.height = (treeDepth(graph) * rowHeight + 2) + "px";
    for (var a = focus; a; a = a.parent) drawFrame(a, 0, 1, a !== focus);
    drawChildren(focus, 0, 1);
    highlight();
  }
  function zoom(node) {
    focus = node;
    render();
    detail.textContent = describe(node);
  }
  function highlight() {
    var query = searchBox.value.trim().toLowerCase();
    var matched = 0, frames = flameBox.querySelectorAll(".lw-frame");
    var counted = [];
    function matches(node) { return query !== "" && node.name.toLowerCase().indexOf(query) !== -1; }
    frames.forEach(function (box) { box.classList.toggle("lw-match", matches({ name: box.getAttribute("data-name") })); });
    (function walk(node) {
      if (matches(node)) { matched += node.value; counted.push(node); return; }
      node.children.forEach(walk);
    })(graph);
    matchText.textContent = query === "" ? "" : "matched " + bytes(matched) + " of " + bytes(graph.value) +
      " (" + (graph.value ? (100 * matched / graph.value).toFixed(1) : "0") + "%)";
  }
  function flameGraph() {
    root.appendChild(el("h2", { text: kind === "diff" ? "Flame graph of growth by stack" : "Flame graph of leaked bytes by stack" }));
    if (!sites.length) { root.appendChild(el("p", { class: "lw-empty", text: "Nothing to show." })); }
    searchBox = el("input", { type: "search", id: "lw-search", placeholder: "highlight frames containing\u2026", "aria-label": "search frames" });
    var reset = el("button", { type: "button", id: "lw-reset", text: "Reset zoom" });
    matchText = el("span", { id: "lw-matched", class: "lw-sub" });
    root.appendChild(el("div", { class: "lw-toolbar" }, [searchBox, reset, matchText]));
    flameBox = el("div", { class: "lw-flame", id: "lw-flame", role: "img", "aria-label": "flame graph" });
    root.appendChild(flameBox);
    detail = el("div", { class: "lw-detail", id: "lw-detail", text: "Click a frame to zoom into it; hover for details." });
    root.appendChild(detail);
    searchBox.addEventListener("input", highlight);
    reset.addEventListener("click", function () { searchBox.value = ""; zoom(graph); });
    render();
  }

  // ---- diff: outstanding bytes of each site in the two snapshots ----
  function diffChart() {
    root.appendChild(el("h2", { text: "Outstanding bytes per site: first vs second snapshot" }));
    var shown = sites.slice(0, 20);
    var legend = el("p", { class: "lw-sub" });
    [["first snapshot", "var(--before)"], ["second snapshot", "var(--after)"]].forEach(function (item) {
      legend.appendChild(el("span", { class: "lw-legend", style: "background:" + item[1] }));
      legend.appendChild(document.createTextNode(item[0]));
    });
    root.appendChild(legend);
    var bars = [{ label: "all live memory", before: doc.live_bytes_before, after: doc.live_bytes_after }].concat(
      shown.map(function (site) { return { label: "#" + site.rank + " " + site.frame, before: site.before, after: site.after }; }));
    var labelWidth = 260, barWidth = 620, rowH = 34, max = 1;
    bars.forEach(function (bar) { max = Math.max(max, bar.before, bar.after); });
    var chart = svg("svg", { class: "lw-chart", id: "lw-diff-chart", width: labelWidth + barWidth + 120,
      height: bars.length * rowH + 4, role: "img", "aria-label": "outstanding bytes per site" });
    bars.forEach(function (bar, i) {
      var y = i * rowH + 2, label = bar.label.length > 38 ? bar.label.slice(0, 37) + "\u2026" : bar.label;
      var text = svg("text", { x: 0, y: y + 19, text: label });
      text.appendChild(svg("title", { text: bar.label }));
      chart.appendChild(text);
      [["before", "var(--before)", 0], ["after", "var(--after)", 14]].forEach(function (part) {
        var width = Math.max(1, barWidth * bar[part[0]] / max);
        var rect = svg("rect", { x: labelWidth, y: y + part[2], width: width, height: 12, fill: part[1], "data-series": part[0] });
        rect.appendChild(svg("title", { text: part[0] + ": " + bytes(bar[part[0]]) }));
        chart.appendChild(rect);
        chart.appendChild(svg("text", { x: labelWidth + width + 4, y: y + part[2] + 10, text: bytes(bar[part[0]]) }));
      });
    });
    root.appendChild(chart);
  }

  // ---- the sortable table of sites ----
  function sitesTable() {
    root.appendChild(el("h2", { text: kind === "diff" ? "Sites that grew" : "Leak sites" }));
    var columns = kind === "diff"
      ? [["rank", "#", true], ["bytes", "Growth", true], ["before", "Before", true], ["after", "After", true],
         ["blocks", "Blocks +", true], ["neverFreed", "Never freed %", true], ["frame", "Allocated in", false], ["location", "Location", false]]
      : [["rank", "#", true], ["kind", "Class", false], ["bytes", "Bytes", true], ["blocks", "Blocks", true],
         ["allocation", "Allocation", false], ["frame", "Allocated in", false], ["location", "Location", false]];
    var headRow = el("tr");
    var body = el("tbody");
    var table = el("table", { id: "lw-sites" }, [el("thead", {}, [headRow]), body]);
    var sortKey = "rank", ascending = true;
    function cell(site, column) {
      var value = site[column[0]];
      if (column[0] === "bytes" || column[0] === "before" || column[0] === "after") value = bytes(value);
      else if (column[0] === "neverFreed") value = value < 0 ? "\u2014" : value.toFixed(0) + "%";
      else if (column[2]) value = count(value);
      if (column[0] === "frame") {
        var stack = el("ol", { class: "lw-stack", start: "0" });
        site.stack.forEach(function (frame) {
          stack.appendChild(el("li", { text: frameName(frame) + (frameLocation(frame) ? "  " + frameLocation(frame) : "") +
            (frame.inlined ? "  (inlined)" : "") }));
        });
        return el("td", {}, [el("details", {}, [el("summary", { text: value }), stack])]);
      }
      return el("td", { class: column[2] ? "lw-num" : (column[0] === "location" ? "lw-loc" : ""), text: value });
    }
    function fill() {
      var rows = sites.slice().sort(function (a, b) {
        var x = a[sortKey], y = b[sortKey];
        var order = x < y ? -1 : x > y ? 1 : a.rank - b.rank;
        return ascending ? order : -order;
      });
      body.textContent = "";
      rows.forEach(function (site) {
        body.appendChild(el("tr", { "data-rank": String(site.rank) }, columns.map(function (column) { return cell(site, column); })));
      });
      headRow.querySelectorAll("th").forEach(function (th) {
        if (th.getAttribute("data-key") === sortKey) th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      });
    }
    columns.forEach(function (column) {
      var th = el("th", { "data-key": column[0], class: column[2] ? "lw-num" : "", text: column[1], title: "sort" });
      th.addEventListener("click", function () {
        if (sortKey === column[0]) ascending = !ascending;
        else { sortKey = column[0]; ascending = !column[2]; }  // numbers: largest first
        fill();
      });
      headRow.appendChild(th);
    });
    fill();
    root.appendChild(sites.length ? table : el("p", { class: "lw-empty", text: "No leak sites." }));
  }

  header();
  summary();
  if (kind === "diff") diffChart();
  flameGraph();
  sitesTable();

  // #selftest[=NAME]: exercise the page the way a reader would (click the
  // first frame named NAME, or the root's first child; search for it; sort
  // the table; reset) and write what happened into #leakwatch-selftest, for
  // `chromium --headless --dump-dom`.
  if (location.hash.indexOf("#selftest") === 0) {
    var result = { errors: pageErrors };
    try {
      var names = function () {
        return Array.prototype.map.call(flameBox.querySelectorAll(".lw-frame"), function (box) {
          return { name: box.getAttribute("data-name"), depth: Number(box.getAttribute("data-depth")),
            width: parseFloat(box.style.width), bytes: Number(box.getAttribute("data-bytes")),
            ancestor: box.classList.contains("lw-ancestor") };
        });
      };
      result.frames = names();
      var wanted = decodeURIComponent(location.hash.slice("#selftest=".length));
      var target = null;
      flameBox.querySelectorAll(".lw-frame").forEach(function (box) {
        if (!target && (wanted ? box.getAttribute("data-name") === wanted : box.getAttribute("data-depth") === "1")) target = box;
      });
      if (target) {
        result.clicked = target.getAttribute("data-name");
        result.clickedWidthBefore = parseFloat(target.style.width);
        target.click();
        result.zoomed = names();
        searchBox.value = result.clicked;
        searchBox.dispatchEvent(new Event("input"));
        result.searchMatches = flameBox.querySelectorAll(".lw-match").length;
        result.searchText = matchText.textContent;
        document.getElementById("lw-reset").click();
        result.afterReset = names().length;
        result.searchMatchesAfterReset = flameBox.querySelectorAll(".lw-match").length;
      }
      var byBytes = document.querySelector("#lw-sites th[data-key=bytes]");
      if (byBytes) {
        byBytes.click();
        result.sortedDescending = Array.prototype.map.call(document.querySelectorAll("#lw-sites tbody tr"),
          function (row) { return Number(row.getAttribute("data-rank")); });
        byBytes.click();
        result.sortedAscending = Array.prototype.map.call(document.querySelectorAll("#lw-sites tbody tr"),
          function (row) { return Number(row.getAttribute("data-rank")); });
      }
      var chart = document.getElementById("lw-diff-chart");
      if (chart) {
        result.chartBars = Array.prototype.map.call(chart.querySelectorAll("rect"), function (rect) {
          return { series: rect.getAttribute("data-series"), title: rect.textContent };
        });
      }
    } catch (error) {
      pageErrors.push(String(error && error.stack || error));
    }
    document.body.appendChild(el("pre", { id: "leakwatch-selftest", text: JSON.stringify(result) }));
  }
})();
