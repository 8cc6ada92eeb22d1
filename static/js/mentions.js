/* Mentioning by the name you see: while an @name is typed in a post, members whose username
   or display name starts with it are offered below the box (/api/v1/members), and picking
   one writes their @username, the name that reaches them.

   Keyboard: Down and Up move through the offers, Enter or Tab picks, Escape closes; what is
   found is said politely. The box keeps its own role (a text box, not a one-line combobox,
   so a screen reader still reads it line by line) and points at the offer in hand with
   aria-activedescendant, as a combobox does. Without this script the preview says when an
   @name matches no one and whom it may have meant. Names are set as text, never as markup. */
(function () {
  "use strict";

  var WAIT_MS = 150; // a pause in typing, so a request is not sent for every letter
  var TYPED = /(^|[^\p{L}\p{N}_@/])@([\p{L}\p{N}_-]{1,30})$/u;

  function setUp(box) {
    var textarea = box.querySelector("textarea");
    var url = box.getAttribute("data-members-url");
    if (!textarea || !url || !window.fetch || box.hasAttribute("data-mentions-ready")) return;
    box.setAttribute("data-mentions-ready", "");

    var list = document.createElement("ul");
    list.id = textarea.id + "-mentions";
    list.className = "mention-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members to mention");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    textarea.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);

    var members = [];
    var active = -1;
    var typed = null; // {start, name}: the @name being typed, where it starts
    var timer = 0;
    var asked = 0;

    function say(words) {
      status.textContent = words;
    }

    function close() {
      members = [];
      active = -1;
      list.hidden = true;
      list.textContent = "";
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index < 0) {
        textarea.removeAttribute("aria-activedescendant");
        return;
      }
      textarea.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function show(found, name) {
      close();
      members = found;
      if (!found.length) {
        say("No member’s name starts with " + name + ".");
        return;
      }
      found.forEach(function (member, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var shown = document.createElement("span");
        shown.textContent = member.display_name;
        var username = document.createElement("span");
        username.className = "username";
        username.textContent = "@" + member.username;
        option.append(shown, " ", username);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // the text box keeps the focus
          pick(i);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      say(
        found.length +
          (found.length === 1 ? " member" : " members") +
          " to mention. Down arrow to choose, Enter to pick, Escape to close."
      );
    }

    function pick(index) {
      var member = members[index];
      if (!member || !typed) return;
      var text = textarea.value;
      var end = typed.start + 1 + typed.name.length;
      var written = "@" + member.username + " ";
      textarea.value = text.slice(0, typed.start) + written + text.slice(end).replace(/^ /, "");
      var caret = typed.start + written.length;
      textarea.setSelectionRange(caret, caret);
      close();
      typed = null;
      say("Mentioning @" + member.username + ".");
    }

    function lookUp() {
      var name = typed.name;
      var mine = ++asked;
      fetch(url + "?prefix=" + encodeURIComponent(name), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          // Only the answer to the latest question, and only while that name is still typed.
          if (mine !== asked || !typed || typed.name !== name) return;
          if (answer && answer.ok) show(answer.members, "@" + name);
          else close();
        })
        .catch(close);
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = textarea.selectionStart === textarea.selectionEnd && TYPED.exec(before);
      if (!match) {
        typed = null;
        close();
        return;
      }
      typed = { start: before.length - match[2].length - 1, name: match[2] };
      timer = window.setTimeout(lookUp, WAIT_MS);
    });

    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || !members.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + members.length + (active < 0 && step < 0 ? 1 : 0)) % members.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0 && !event.shiftKey) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
        say("Closed.");
      }
    });

    textarea.addEventListener("blur", function () {
      close();
    });
  }

  var boxes = document.querySelectorAll(".mention-composer[data-members-url]");
  for (var i = 0; i < boxes.length; i++) setUp(boxes[i]);
})();
