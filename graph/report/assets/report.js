/* linkgraph report: charts drawn as inline SVG from the JSON data block of the page.
 *
 * No library, no network. Every string from the crawl (anchors, URLs, domains) reaches the
 * page through textContent or an SVG <title>'s textContent, never innerHTML, so markup in
 * an anchor stays text. The page's Content-Security-Policy allows this script only (by its
 * hash), as a second line of defence.
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("report-data").textContent);

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, value, attrs) {
    var t = el("text", Object.assign({ x: x, y: y }, attrs || {}), parent);
    t.textContent = value;
    return t;
  }

  function tooltip(node, value) {
    var t = el("title", {}, node);
    t.textContent = value;
  }

  function shorten(value, max) {
    value = String(value);
    return value.length > max ? value.slice(0, max - 1) + "\u2026" : value;
  }

  function empty(box, message) {
    var p = document.createElement("p");
    p.className = "empty";
    p.textContent = message;
    box.appendChild(p);
  }

  /* Horizontal bars: one row per item ({label, value}), labels on the left. */
  function barChart(id, items, colour) {
    var box = document.getElementById(id);
    if (!box) return;
    if (!items || !items.length) { empty(box, "No data."); return; }
    var rowH = 22, left = 190, width = 640, right = 60;
    var height = items.length * rowH + 10;
    var max = Math.max.apply(null, items.map(function (d) { return d.value; })) || 1;
    var svg = el("svg", { class: "chart", viewBox: "0 0 " + width + " " + height,
                          width: width, height: height, role: "img" }, box);
    items.forEach(function (d, i) {
      var y = 5 + i * rowH;
      var w = Math.max(1, (width - left - right) * d.value / max);
      text(svg, left - 8, y + 15, shorten(d.label, 28), { "text-anchor": "end", class: "label" });
      var bar = el("rect", { x: left, y: y + 2, width: w, height: rowH - 6, fill: colour || "#3b6ea5",
                             class: "bar" }, svg);
      tooltip(bar, d.label + ": " + d.value);
      text(svg, left + w + 6, y + 15, String(d.value), { class: "value" });
    });
  }

  /* Vertical bars with an x label per item: a histogram. */
  function columnChart(id, items, colour) {
    var box = document.getElementById(id);
    if (!box) return;
    if (!items || !items.length) { empty(box, "No data."); return; }
    var width = 640, height = 240, bottom = 40, top = 16, left = 40;
    var max = Math.max.apply(null, items.map(function (d) { return d.value; })) || 1;
    var step = (width - left) / items.length;
    var svg = el("svg", { class: "chart", viewBox: "0 0 " + width + " " + height,
                          width: width, height: height, role: "img" }, box);
    el("line", { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: "axis" }, svg);
    items.forEach(function (d, i) {
      var h = (height - bottom - top) * d.value / max;
      var x = left + i * step;
      var bar = el("rect", { x: x + 3, y: height - bottom - h, width: step - 6, height: Math.max(h, 0.5),
                             fill: colour || "#3b6ea5", class: "bar" }, svg);
      tooltip(bar, d.label + ": " + d.value);
      text(svg, x + step / 2, height - bottom + 16, shorten(d.label, 12),
           { "text-anchor": "middle", class: "label" });
      text(svg, x + step / 2, height - bottom - h - 4, String(d.value),
           { "text-anchor": "middle", class: "value" });
    });
  }

  /* Pairs of bars (new, lost) per crawl transition. */
  function changeChart(id, items) {
    var box = document.getElementById(id);
    if (!box) return;
    if (!items || !items.length) { empty(box, "One crawl given: nothing to compare."); return; }
    var width = 640, height = 240, bottom = 40, top = 16;
    var max = Math.max.apply(null, items.map(function (d) { return Math.max(d.new, d.lost); })) || 1;
    var step = width / items.length;
    var svg = el("svg", { class: "chart", viewBox: "0 0 " + width + " " + height,
                          width: width, height: height, role: "img" }, box);
    el("line", { x1: 0, y1: height - bottom, x2: width, y2: height - bottom, class: "axis" }, svg);
    items.forEach(function (d, i) {
      var x = i * step + step * 0.15, w = step * 0.33;
      [["new", d.new, "#2e8b57"], ["lost", d.lost, "#c0392b"]].forEach(function (s, j) {
        var h = (height - bottom - top) * s[1] / max;
        var bar = el("rect", { x: x + j * w, y: height - bottom - h, width: w - 2,
                               height: Math.max(h, 0.5), fill: s[2], class: "bar " + s[0] }, svg);
        tooltip(bar, d.label + ": " + s[1] + " " + s[0]);
        text(svg, x + j * w + w / 2, height - bottom - h - 4, String(s[1]),
             { "text-anchor": "middle", class: "value" });
      });
      text(svg, i * step + step / 2, height - bottom + 16, shorten(d.label, 30),
           { "text-anchor": "middle", class: "label" });
    });
    var legend = el("g", { class: "legend" }, svg);
    el("rect", { x: width - 110, y: 2, width: 10, height: 10, fill: "#2e8b57" }, legend);
    text(legend, width - 95, 11, "new");
    el("rect", { x: width - 60, y: 2, width: 10, height: 10, fill: "#c0392b" }, legend);
    text(legend, width - 45, 11, "lost");
  }

  /* The link neighbourhood: a force-directed layout you can drag; hover shows a node's links. */
  function neighbourhood(id, graph) {
    var box = document.getElementById(id);
    if (!box) return;
    if (!graph || !graph.nodes.length) { empty(box, "No links to or from the domain."); return; }
    var width = 760, height = 520;
    var nodes = graph.nodes.map(function (n, i) {
      var angle = 2 * Math.PI * i / graph.nodes.length;
      return Object.assign({ x: width / 2 + 200 * Math.cos(angle), y: height / 2 + 200 * Math.sin(angle),
                             vx: 0, vy: 0 }, n);
    });
    nodes[0].x = width / 2; nodes[0].y = height / 2;
    var links = graph.links.map(function (l) { return { s: nodes[l.source], t: nodes[l.target], w: l.links }; });
    function tick(pinned) {
      var i, j, a, b, dx, dy, d2, f;
      for (i = 0; i < nodes.length; i++) {
        for (j = i + 1; j < nodes.length; j++) {
          a = nodes[i]; b = nodes[j];
          dx = a.x - b.x; dy = a.y - b.y; d2 = dx * dx + dy * dy + 0.01;
          f = 900 / d2;
          a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
        }
      }
      links.forEach(function (l) {
        dx = l.t.x - l.s.x; dy = l.t.y - l.s.y;
        var d = Math.sqrt(dx * dx + dy * dy) || 1, k = (d - 130) * 0.02;
        l.s.vx += dx / d * k * d * 0.05; l.s.vy += dy / d * k * d * 0.05;
        l.t.vx -= dx / d * k * d * 0.05; l.t.vy -= dy / d * k * d * 0.05;
      });
      nodes.forEach(function (n) {
        n.vx += (width / 2 - n.x) * 0.005; n.vy += (height / 2 - n.y) * 0.005;
        if (n === pinned || n.centre) { n.vx = 0; n.vy = 0; return; }
        n.x = Math.min(width - 20, Math.max(20, n.x + Math.max(-20, Math.min(20, n.vx))));
        n.y = Math.min(height - 20, Math.max(20, n.y + Math.max(-20, Math.min(20, n.vy))));
        n.vx *= 0.6; n.vy *= 0.6;
      });
    }
    nodes[0].centre = true;
    for (var s = 0; s < 300; s++) tick(null);

    var svg = el("svg", { class: "chart graph", viewBox: "0 0 " + width + " " + height,
                          width: width, height: height, role: "img" }, box);
    var defs = el("defs", {}, svg);
    var marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5,
                                markerWidth: 6, markerHeight: 6, orient: "auto" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#888" }, marker);
    var edgeLayer = el("g", { class: "edges" }, svg);
    var nodeLayer = el("g", { class: "nodes" }, svg);
    var info = document.getElementById(id + "-info");
    links.forEach(function (l) {
      l.line = el("line", { class: "edge", "marker-end": "url(#arrow)",
                            "stroke-width": Math.min(6, 1 + Math.log(1 + l.w)) }, edgeLayer);
      tooltip(l.line, l.s.name + " \u2192 " + l.t.name + ": " + l.w + " links");
    });
    var colours = { centre: "#d35400", referring: "#3b6ea5", linked: "#2e8b57", both: "#8e44ad" };
    nodes.forEach(function (n) {
      n.g = el("g", { class: "node " + n.role }, nodeLayer);
      n.r = 6 + (n.authority || 0) / 8;
      n.circle = el("circle", { r: n.r, fill: colours[n.role] || "#777" }, n.g);
      tooltip(n.circle, n.name + " (authority " + (n.authority == null ? "n/a" : n.authority) + ")");
      text(n.g, 0, -n.r - 3, shorten(n.name, 24), { "text-anchor": "middle", class: "label" });
    });
    function draw() {
      links.forEach(function (l) {
        var dx = l.t.x - l.s.x, dy = l.t.y - l.s.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
        l.line.setAttribute("x1", l.s.x); l.line.setAttribute("y1", l.s.y);
        l.line.setAttribute("x2", l.t.x - dx / d * (l.t.r + 2));
        l.line.setAttribute("y2", l.t.y - dy / d * (l.t.r + 2));
      });
      nodes.forEach(function (n) { n.g.setAttribute("transform", "translate(" + n.x + "," + n.y + ")"); });
    }
    draw();
    function highlight(n) {
      links.forEach(function (l) {
        l.line.setAttribute("class", n && (l.s === n || l.t === n) ? "edge hot" : "edge");
      });
      if (info) {
        info.textContent = n ? n.name + ": " + n.role + ", authority " +
          (n.authority == null ? "n/a" : n.authority) + ", " + (n.links || 0) + " links with " +
          graph.nodes[0].name : "Hover a domain to see its links; drag to move it.";
      }
    }
    var dragging = null;
    function point(evt) {
      var m = svg.getScreenCTM().inverse();
      var p = svg.createSVGPoint(); p.x = evt.clientX; p.y = evt.clientY;
      return p.matrixTransform(m);
    }
    nodes.forEach(function (n) {
      n.g.addEventListener("pointerenter", function () { highlight(n); });
      n.g.addEventListener("pointerleave", function () { if (!dragging) highlight(null); });
      n.g.addEventListener("pointerdown", function (evt) {
        dragging = n; n.g.setPointerCapture(evt.pointerId);
      });
      n.g.addEventListener("pointermove", function (evt) {
        if (dragging !== n) return;
        var p = point(evt); n.x = p.x; n.y = p.y;
        for (var k = 0; k < 3; k++) tick(n);
        draw();
      });
      n.g.addEventListener("pointerup", function () { dragging = null; });
    });
    highlight(null);
  }

  function rows(list, label, value) {
    return (list || []).map(function (d) { return { label: d[label], value: d[value] }; });
  }

  barChart("chart-top-domains", rows(data.top_domains, "domain", "authority"), "#3b6ea5");
  columnChart("chart-authority", rows(data.authority_histogram, "band", "domains"), "#3b6ea5");
  if (data.domain) {
    columnChart("chart-ref-bands", rows(data.referring_bands, "band", "domains"), "#8e44ad");
    barChart("chart-rel", rows(data.by_rel, "type", "links"), "#16a085");
    barChart("chart-placement", rows(data.by_placement, "placement", "links"), "#d35400");
    barChart("chart-anchors", rows(data.top_anchors, "anchor", "links"), "#2c3e50");
    changeChart("chart-changes", data.changes);
    neighbourhood("chart-neighbourhood", data.neighbourhood);
  } else {
    barChart("chart-rel", rows(data.by_rel, "type", "links"), "#16a085");
    barChart("chart-placement", rows(data.by_placement, "placement", "links"), "#d35400");
  }
  /* Interactive tables: click a header to sort (again to reverse), type to search, tick a
   * box to keep only the rows where that column is "yes". Rows are moved and hidden, never
   * rebuilt, so their escaped text stays as the server wrote it. */
  function interactive(table) {
    var body = table.tBodies[0];
    var rowsOf = function () { return Array.prototype.slice.call(body.rows); };
    var state = { column: -1, descending: true };
    var search = document.querySelector('input.table-search[data-table="' + table.id + '"]');
    var boxes = document.querySelectorAll('.table-filter input[data-table="' + table.id + '"]');
    function value(row, column) {
      var cell = row.cells[column], raw = cell.getAttribute("data-value");
      if (raw === "") return "";
      return cell.hasAttribute("data-number") ? parseFloat(raw) : raw.toLowerCase();
    }
    function apply() {
      var query = search ? search.value.trim().toLowerCase() : "";
      var shown = 0;
      rowsOf().forEach(function (row) {
        var keep = !query || row.textContent.toLowerCase().indexOf(query) !== -1;
        Array.prototype.forEach.call(boxes, function (box) {
          if (box.checked && row.cells[+box.getAttribute("data-column")].getAttribute("data-value") !== "1") keep = false;
        });
        row.hidden = !keep;
        if (keep) shown++;
      });
      table.setAttribute("data-shown", String(shown));
    }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      th.addEventListener("click", function () {
        state.descending = state.column === column ? !state.descending : true;
        state.column = column;
        var sorted = rowsOf().sort(function (a, b) {
          var x = value(a, column), y = value(b, column);
          if (x === y) return 0;
          if (x === "") return 1;
          if (y === "") return -1;
          var order = typeof x === "number" && typeof y === "number" ? x - y : String(x) < String(y) ? -1 : 1;
          return state.descending ? -order : order;
        });
        sorted.forEach(function (row) { body.appendChild(row); });
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
      });
    });
    if (search) search.addEventListener("input", apply);
    Array.prototype.forEach.call(boxes, function (box) { box.addEventListener("change", apply); });
    apply();
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.interactive"), interactive);

  document.body.setAttribute("data-rendered", "yes");
})();
