/* The diary, a little better with JavaScript; everything works without it.
   1. Forms carry the browser's time zone, so "today" is the member's own day.
   2. The body map: hidden until now; each area ticks the same checkbox as the list, and the list
      shades the map. One Tab stop: arrow keys move between areas, Space or Enter ticks one. */
(function () {
  "use strict";

  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) { /* an old browser: the server uses UTC */ }
  var zoneFields = document.querySelectorAll("input[data-diary-zone]");
  for (var i = 0; i < zoneFields.length; i++) zoneFields[i].value = zone;

  var map = document.querySelector("[data-body-map]");
  if (!map) return;
  var regions = Array.prototype.slice.call(map.querySelectorAll(".body-region"));

  function box(region) {
    return document.querySelector('input[name="body_areas"][value="' + region.getAttribute("data-area") + '"]');
  }

  function show(region) {
    var input = box(region);
    var on = !!(input && input.checked);
    region.setAttribute("aria-checked", on ? "true" : "false");
    region.classList.toggle("is-chosen", on);
  }

  function toggle(region) {
    var input = box(region);
    if (!input) return;
    input.checked = !input.checked;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function focusRegion(index) {
    var next = regions[(index + regions.length) % regions.length];
    regions.forEach(function (r) { r.setAttribute("tabindex", r === next ? "0" : "-1"); });
    next.focus();
  }

  regions.forEach(function (region, index) {
    region.setAttribute("role", "checkbox");
    region.setAttribute("aria-label", region.getAttribute("data-name"));
    region.setAttribute("tabindex", index === 0 ? "0" : "-1");
    show(region);
    region.addEventListener("click", function () {
      toggle(region);
      regions.forEach(function (r) { r.setAttribute("tabindex", r === region ? "0" : "-1"); });
    });
    region.addEventListener("keydown", function (event) {
      var key = event.key;
      if (key === " " || key === "Enter") {
        event.preventDefault();
        toggle(region);
      } else if (key === "ArrowDown" || key === "ArrowRight") {
        event.preventDefault();
        focusRegion(index + 1);
      } else if (key === "ArrowUp" || key === "ArrowLeft") {
        event.preventDefault();
        focusRegion(index - 1);
      } else if (key === "Home") {
        event.preventDefault();
        focusRegion(0);
      } else if (key === "End") {
        event.preventDefault();
        focusRegion(regions.length - 1);
      }
    });
  });

  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "body_areas") regions.forEach(show);
  });
  map.hidden = false;
})();
