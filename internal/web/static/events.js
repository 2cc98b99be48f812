// The report form's "use my location" button: fills latitude and longitude
// from the phone's position. A file, not an inline script (CSP); the form
// works without it (the fields can be typed, or left empty).
window.addEventListener("DOMContentLoaded", function () {
  var btn = document.getElementById("locate");
  if (!btn || !navigator.geolocation) { if (btn) { btn.hidden = true; } return; }
  btn.addEventListener("click", function (ev) {
    ev.preventDefault();
    btn.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("f-lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("f-long").value = pos.coords.longitude.toFixed(6);
      btn.disabled = false;
    }, function () {
      btn.disabled = false;
      var note = document.getElementById("locate-failed");
      if (note) { note.hidden = false; }
    }, { enableHighAccuracy: true, timeout: 10000 });
  });
});
