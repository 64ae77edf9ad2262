// The search page: Pagefind's UI, in the page's language, over one index per year (newest first,
// the others merged in); ?q=word runs a search on load.
(function () {
  "use strict";
  var element = document.getElementById("search");
  if (!element || typeof PagefindUI === "undefined") return;
  element.removeAttribute("hidden");
  var bundles = element.getAttribute("data-bundles").split(" ");
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: bundles[0],
    mergeIndex: bundles.slice(1).map(function (path) { return { bundlePath: path }; }),
    showImages: false,
    showSubResults: true,
    resetStyles: false
  });
  // Pagefind's box has only a placeholder: the page's heading names it (WCAG 1.3.1, 4.1.2).
  var label = element.getAttribute("data-labelledby");
  function nameTheBox() {
    var input = element.querySelector("input");
    if (input) input.setAttribute("aria-labelledby", label);
    return Boolean(input);
  }
  if (!nameTheBox()) {
    new MutationObserver(function (changes, observer) { if (nameTheBox()) observer.disconnect(); })
      .observe(element, { childList: true, subtree: true });
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
