// The voter's page: the slip's QR carries the one-time code after "#", which the browser never sends to the
// server. Copy it into the form and drop it from the address bar and the history.
(function () {
  var match = /(?:^#|&)ma=([A-Za-z0-9-]+)/.exec(window.location.hash);
  var field = document.getElementById("id_code");
  if (match && field && !field.value) {
    field.value = match[1];
  }
  if (window.location.hash) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
})();
