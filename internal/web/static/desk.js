// The duty officer's desk (/workbench/sensing): keeps the indicator tiles
// live from the cockpit's stream and offers a reload when the number of
// active alerts changes. A file, not an inline script (CSP).
window.addEventListener("DOMContentLoaded", function () {
  var desk = document.getElementById("desk");
  if (!desk || !window.EventSource) { return; }
  var count = document.getElementById("desk-alert-count");
  var known = count ? parseInt(count.textContent, 10) : 0;
  var es = new EventSource(desk.dataset.live);
  // Signed out, or the role or scope changed: reload (sign-in page or new view).
  es.addEventListener("ended", function () { es.close(); window.location.reload(); });
  es.addEventListener("indicators", function (ev) {
    var u = JSON.parse(ev.data).sensing;
    (u.indicators || []).forEach(function (x) {
      var li = document.querySelector('#desk-indicators li[data-metric="' + x.metric + '"]');
      if (!li) { return; }
      li.className = "tile lvl-" + x.level;
      li.querySelector(".num").textContent = x.value == null ? "—" : x.value.toFixed(1);
    });
    var active = (u.alert_cnt || []).reduce(function (a, b) { return a + b; }, 0);
    if (active !== known) { document.getElementById("desk-new-alerts").hidden = false; }
  });
});
