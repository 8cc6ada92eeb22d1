// The diary report's "Print or save as PDF" button: shown only when this script runs, since
// without it the page says to use the browser's own Print.
(function () {
  "use strict";
  document.querySelectorAll("[data-print-page]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
