// The sandbox chat works without this: sending is a plain form. This keeps the newest
// message in view and shows customer-service messages (results, notices) as they arrive.
(function () {
  var log = document.getElementById("log");
  if (!log) return;
  function bottom() { log.scrollTop = log.scrollHeight; }
  bottom();
  var last = log.innerHTML;
  setInterval(function () {
    fetch(log.dataset.src, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html !== null && html !== last) { log.innerHTML = html; last = html; bottom(); }
      })
      .catch(function () {});
  }, 2000);
})();
