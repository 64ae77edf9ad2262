// The search page: Pagefind's UI, in the page's language; ?q=word runs a search on load.
(function () {
  "use strict";
  var element = document.getElementById("search");
  if (!element || typeof PagefindUI === "undefined") return;
  element.removeAttribute("hidden");
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: element.getAttribute("data-bundle"),
    showImages: false,
    showSubResults: true,
    resetStyles: false
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
