/* The header's Menu button. On a small screen, or at a large text size, everything in the
   header but "Need help now?", Groups and Search folds behind one button, so the page starts
   within the first screen. The stylesheet decides when the button shows; this marks the page
   (before its first paint: the script is not deferred) and opens and closes the menu. Escape
   closes it and puts the focus back on the button. Without this script every link shows. */
(function () {
  "use strict";

  document.documentElement.classList.add("has-menu");

  function start() {
    var button = document.querySelector(".menu-button");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") return;
      var inside = menu.contains(document.activeElement) || document.activeElement === button;
      setOpen(false);
      if (inside && button.offsetParent !== null) button.focus();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
