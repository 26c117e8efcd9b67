// The page is rendered by Terraform from the discovery document as a plan began. /networks.json of this
// host is the list the spacemesh provider rewrites with the document (discovery_views), so a network
// retired since then is taken off the index, and its info page says so, at once.
(function () {
  fetch("/networks.json", { cache: "no-store" }).then(function (r) {
    if (!r.ok) { throw new Error("HTTP " + r.status); }
    return r.json();
  }).then(function (list) {
    if (!Array.isArray(list)) { return; }
    var live = {};
    list.forEach(function (n) { if (n && n.netID !== undefined) { live[String(n.netID)] = true; } });
    var shown = 0;
    document.querySelectorAll("tr[data-net-id]").forEach(function (row) {
      if (live[row.getAttribute("data-net-id")]) { shown++; return; }
      row.hidden = true;
      row.setAttribute("data-retired", "");
    });
    document.querySelectorAll("a[data-alias]").forEach(function (a) {
      if (!live[a.getAttribute("data-alias")]) { a.parentNode.hidden = true; }
    });
    var count = document.querySelector('[data-field="count"]');
    if (count && document.querySelector("tr[data-net-id]")) { count.textContent = String(shown); }
    var page = document.querySelector("main[data-page-net-id]");
    if (page && !live[page.getAttribute("data-page-net-id")]) {
      document.querySelector('[data-field="retired"]').hidden = false;
    }
  }).catch(function () { /* the page as rendered stands */ });
})();
