/* Times on the reader's own clock: the zone a member chose in settings (<html data-time-zone>),
   else the browser's. The server writes each meeting time in the meeting's own zone, inside
   <time datetime="…" data-local>; this rewrites the words into the reader's zone, in the same
   shape ("Wednesday 13 January, 00:00 your time"), and leaves the machine-readable datetime
   as it is. A "2 hours ago" time (<time class="when" data-browser-zone>) gets its exact time,
   shown on hover and focus, on the same clock. On the planning form, a new meeting's time zone
   starts as the planner's own. Without this script, every time still reads right, in UTC. */
(function () {
  "use strict";

  var zone = document.documentElement.getAttribute("data-time-zone");
  try {
    zone = zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;

  function part(parts, type) {
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].type === type) return parts[i].value;
    }
    return "";
  }

  function yearOf(date) {
    return part(new Intl.DateTimeFormat("en-GB", { year: "numeric", timeZone: zone }).formatToParts(date), "year");
  }

  var thisYear = yearOf(new Date());

  function words(date) {
    var parts = new Intl.DateTimeFormat("en-GB", {
      weekday: "long", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone
    }).formatToParts(date);
    var year = part(parts, "year");
    return part(parts, "weekday") + " " + part(parts, "day") + " " + part(parts, "month") +
      (year !== thisYear ? " " + year : "") + ", " + part(parts, "hour") + ":" + part(parts, "minute") +
      " your time";
  }

  var times = document.querySelectorAll("time[data-local]");
  for (var i = 0; i < times.length; i++) {
    var when = new Date(times[i].getAttribute("datetime"));
    if (!isNaN(when.getTime())) {
      times[i].textContent = words(when);
      times[i].setAttribute("data-zone", zone);
    }
  }

  var whens = document.querySelectorAll("time.when[data-browser-zone]");
  for (var k = 0; k < whens.length; k++) {
    var at = new Date(whens[k].getAttribute("datetime"));
    var exact = whens[k].querySelector(".when-exact");
    if (exact && !isNaN(at.getTime())) {
      exact.textContent = " (" + words(at) + ")";
      whens[k].setAttribute("data-zone", zone);
    }
  }

  var select = document.querySelector("select[data-browser-zone]");
  if (select) {
    var wanted = /^Etc\/(UTC|GMT)$/.test(zone) ? "UTC" : zone;  // the list has UTC once, as "UTC"
    for (var j = 0; j < select.options.length; j++) {
      if (select.options[j].value === wanted) {
        select.value = wanted;
        break;
      }
    }
  }
})();
