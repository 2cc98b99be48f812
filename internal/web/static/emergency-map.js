// The incident command page's map: the incident and the resources deployed
// to it on the province's map, drawn with the cockpit's vendored ECharts.
// The points come in a data- attribute (the Content-Security-Policy
// forbids inline script); without a map the table below still lists them.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("incident-map");
  if (!el || !window.echarts || !el.dataset.mapUrl) { return; }
  var points = JSON.parse(el.dataset.points || "[]");
  var colors = { incident: "#c62828", shelter: "#2e7d32", team: "#1565c0", supply: "#ef6c00" };
  fetch(el.dataset.mapUrl, { credentials: "same-origin" }).then(function (r) {
    if (!r.ok) { throw new Error("no map"); }
    return r.json();
  }).then(function (geo) {
    window.echarts.registerMap("incident-region", geo);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var first = points[0];
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) { return p.name; } },
      geo: { map: "incident-region", roam: true, center: first ? [first.lon, first.lat] : undefined, zoom: first ? 8 : 1,
        itemStyle: { areaColor: "#eef2f7", borderColor: "#8a94a6" }, emphasis: { disabled: true } },
      series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 14,
        data: points.map(function (p) { return { name: p.name, value: [p.lon, p.lat], itemStyle: { color: colors[p.kind] || "#555" } }; }) }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.map = "drawn";
  }).catch(function () {
    el.hidden = true;
    el.dataset.map = "none";
  });
});
