// 粤治慧 cockpit: draws the map, the trend and the alert ticker from the
// figures the page carries (data-summary), then keeps them live from the
// server-sent events at data-live. A file, not an inline script (CSP).
(function () {
  "use strict";
  var levelColors = { none: "#1d4e89", blue: "#3b82f6", yellow: "#facc15", orange: "#fb923c", red: "#ef4444" };

  function fmt(v) { return v == null ? "—" : (Math.round(v * 10) / 10).toFixed(1); }
  function text(el, s) { if (el) { el.textContent = s; } }

  window.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("cockpit");
    if (!root) { return; }
    var labels = JSON.parse(root.dataset.labels);
    var state = JSON.parse(root.dataset.summary);
    var region = root.dataset.region, metric = root.dataset.metric;
    var mapEl = document.getElementById("cockpit-map");
    var trendEl = document.getElementById("cockpit-trend");
    var mapChart = null, trendChart = null, mapName = null;

    var measure = root.dataset.measure || "";
    // Events measures that are shares (0–1); the others are counts.
    var shares = { closure_rate_30: "reported_30", satisfaction: "rated" };
    function pct(f) { return (f * 100).toFixed(1) + "%"; }

    function areaData(s) {
      return (s.areas || []).map(function (a) {
        return { name: a.name, value: a.value == null ? null : a.value, code: a.region, level: a.level };
      });
    }

    // eventAreaData is the chosen events measure of each child region; a
    // share without events behind it has no value (drawn grey, not 0%).
    function eventAreaData(ev) {
      return ((ev && ev.areas) || []).map(function (a) {
        var v = a[measure];
        if (shares[measure] && !a[shares[measure]]) { v = null; }
        return { name: a.name, value: v, code: a.region };
      });
    }

    function drawMap(s, ev) {
      if (!mapChart) { return; }
      var data, top, colors, show;
      if (measure && ev) {
        data = eventAreaData(ev);
        if (shares[measure]) {
          top = 1; show = function (v) { return v == null ? "—" : pct(v); };
          colors = ["#ef4444", "#fb923c", "#facc15", "#3b82f6", "#0f3a6b"]; // a low share is the warning
        } else {
          top = Math.max(1, Math.max.apply(null, data.map(function (d) { return d.value || 0; })));
          show = function (v) { return v == null ? "—" : String(v); };
          colors = ["#0f3a6b", "#3b82f6", "#facc15", "#fb923c", "#ef4444"];
        }
      } else {
        var m = labels.metrics[s.metric] || { levels: [0, 0, 0, 1], unit: "" };
        data = areaData(s); top = m.levels[3] || m.levels[2] || 1;
        show = function (v) { return fmt(v) + " " + m.unit; }; // the unit in the page's language
        colors = ["#0f3a6b", "#3b82f6", "#facc15", "#fb923c", "#ef4444"];
      }
      mapChart.setOption({
        tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
          return p.name + "\n" + show(p.value);
        } },
        visualMap: { min: 0, max: top, calculable: true, left: 10, bottom: 10, textStyle: { color: "#cfe3ff" },
          formatter: function (v) { return shares[measure] && measure ? pct(v) : (Math.round(v * 10) / 10).toString(); },
          inRange: { color: colors } },
        series: [{ type: "map", map: mapName, roam: false, selectedMode: false,
          label: { show: true, color: "#e6edf7", fontSize: 11 },
          itemStyle: { borderColor: "#5b8fd1", areaColor: "#123a66" },
          emphasis: { label: { color: "#fff" }, itemStyle: { areaColor: "#1f6feb" } },
          data: data }]
      });
      root.dataset.mapMeasure = measure || s.metric;
    }

    function drawEventAreas(ev) {
      ((ev && ev.areas) || []).forEach(function (a) {
        var tr = document.querySelector('#cockpit-event-areas tr[data-region="' + a.region + '"]');
        if (!tr) { return; }
        text(tr.querySelector('[data-k="today"]'), String(a.today));
        text(tr.querySelector('[data-k="overdue"]'), String(a.overdue));
        text(tr.querySelector('[data-k="closure_rate_30"]'), a.reported_30 ? pct(a.closure_rate_30) : "—");
        text(tr.querySelector('[data-k="satisfaction"]'), a.rated ? pct(a.satisfaction) : "—");
      });
    }

    function drawTrend(s) {
      if (!trendChart) { return; }
      var pts = s.trend || [];
      trendChart.setOption({
        grid: { left: 48, right: 16, top: 16, bottom: 28 },
        tooltip: { trigger: "axis", renderMode: "richText" },
        xAxis: { type: "category", data: pts.map(function (p) {
          var d = new Date(p.t * 1000); return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
        }), axisLabel: { color: "#9fb3c8" } },
        yAxis: { type: "value", name: (labels.metrics[s.metric] || s).unit, axisLabel: { color: "#9fb3c8" }, splitLine: { lineStyle: { color: "#17345a" } } },
        series: [{ type: "line", smooth: true, connectNulls: true, showSymbol: true, symbolSize: 4, areaStyle: { opacity: 0.2 },
          data: pts.map(function (p) { return p.v; }) }]
      });
    }

    function drawTiles(s) {
      (s.indicators || []).forEach(function (x) {
        var li = document.querySelector('#cockpit-indicators li[data-metric="' + x.metric + '"]');
        if (!li) { return; }
        li.className = "tile lvl-" + x.level;
        text(li.querySelector(".num"), fmt(x.value));
      });
      (s.areas || []).forEach(function (a) {
        var tr = document.querySelector('#cockpit-areas tr[data-region="' + a.region + '"]');
        if (!tr) { return; }
        tr.className = "lvl-" + a.level;
        text(tr.querySelector(".v"), fmt(a.value));
        text(tr.querySelector(".n"), String(a.n));
      });
      var counts = document.querySelectorAll("#cockpit-alert-counts .num");
      for (var i = 0; i < counts.length; i++) { text(counts[i], String((s.alert_cnt || [])[i + 1] || 0)); }
      var ul = document.getElementById("cockpit-alerts");
      if (ul) {
        while (ul.firstChild) { ul.removeChild(ul.firstChild); }
        var list = s.alerts || [];
        if (list.length === 0) {
          var q = document.createElement("li"); q.className = "quiet"; q.textContent = labels.no_alerts; ul.appendChild(q);
        }
        // Twice, so the scrolling ticker wraps around without a gap.
        var rounds = list.length > 3 ? 2 : 1;
        for (var r = 0; r < rounds; r++) {
          list.forEach(function (a) {
            var li = document.createElement("li");
            var lv = ["none", "blue", "yellow", "orange", "red"][a.level] || "none";
            li.className = "lvl-" + lv;
            li.textContent = labels.levels[lv] + " · " + a.station_name + " · " +
              ((labels.metrics[a.metric] || {}).name || a.metric) + " " + fmt(a.value);
            ul.appendChild(li);
          });
        }
      }
      var at = document.getElementById("cockpit-at");
      if (at) { var d = new Date(s.at * 1000); at.textContent = d.toLocaleTimeString(document.documentElement.lang || "zh-CN"); at.dataset.at = String(s.at); }
    }

    function drawEvents(ev) {
      if (!ev) { return; }
      var slot = document.getElementById("cockpit-events");
      if (!slot) { return; }
      var vals = { today: String(ev.today), closure_rate: pct(ev.closure_rate), closure_rate_30: pct(ev.closure_rate_30), overdue: String(ev.overdue), satisfaction: pct(ev.satisfaction) };
      Object.keys(vals).forEach(function (k) { text(slot.querySelector('[data-k="' + k + '"]'), vals[k]); });
    }

    function drawIncidents(n) {
      if (n == null) { return; }
      text(document.querySelector("#cockpit-incidents .num"), String(n));
    }

    function apply(u) {
      state = u;
      drawTiles(u.sensing); drawMap(u.sensing, u.events); drawTrend(u.sensing); drawEvents(u.events); drawEventAreas(u.events);
      drawIncidents(u.incidents);
      root.dataset.updates = String((parseInt(root.dataset.updates || "0", 10)) + 1);
    }

    if (window.echarts && trendEl) {
      trendChart = window.echarts.init(trendEl, null, { renderer: "canvas" });
      drawTrend(state.sensing);
    }
    if (!root.dataset.mapUrl && mapEl) {
      mapEl.hidden = true; // no geometry at this level: the table shows the areas
      root.dataset.map = "table";
    } else if (window.echarts && mapEl) {
      fetch(root.dataset.mapUrl, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("no map"); }
        return r.json();
      }).then(function (geo) {
        mapName = "region-" + region;
        window.echarts.registerMap(mapName, geo);
        mapChart = window.echarts.init(mapEl, null, { renderer: "canvas" });
        mapChart.on("click", function (p) {
          var code = p.data && p.data.code;
          if (code) {
            window.location.href = "/cockpit?region=" + code + "&metric=" + metric + (measure ? "&measure=" + measure : "");
          }
        });
        drawMap(state.sensing, state.events);
        root.dataset.map = "drawn";
      }).catch(function () {
        mapEl.hidden = true; // the map could not be read: the table shows the areas
        root.dataset.map = "table";
      });
    }
    window.addEventListener("resize", function () {
      if (mapChart) { mapChart.resize(); }
      if (trendChart) { trendChart.resize(); }
    });
    drawTiles(state.sensing);
    if (window.EventSource) {
      var es = new EventSource(root.dataset.live);
      es.addEventListener("indicators", function (ev) { apply(JSON.parse(ev.data)); });
      // Signed out, or the role or scope changed: the stream has ended;
      // reload to meet the sign-in page or the new view.
      es.addEventListener("ended", function () { es.close(); window.location.reload(); });
    }
  });
})();
