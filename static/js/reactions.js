// Who reacted shows on hover and focus; Escape hides it again (WCAG 1.4.13, dismissible).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const reaction of document.querySelectorAll(".reaction:hover, .reaction:focus-within")) {
    reaction.classList.add("who-dismissed");
  }
});
document.addEventListener("focusout", (event) => {
  const reaction = event.target.closest && event.target.closest(".reaction");
  if (reaction) reaction.classList.remove("who-dismissed");
});
document.addEventListener("mouseleave", (event) => {
  if (event.target.classList && event.target.classList.contains("reaction")) {
    event.target.classList.remove("who-dismissed");
  }
}, true);

/* Actions that keep your place. A reaction is sent with fetch and answered in place: the
   count and the pressed state change where they are, the focus stays on the button, and a
   content warning the reader opened stays open. If that fails, the form is sent as it would
   be without this script, saying whether the warning was open ("open"), and the page that
   comes back opens it again and puts the focus back on the button (thread view, focus=).
   Quoting reloads the page too: a quote of an opened post asks for it to stay open. */
(function () {
  "use strict";

  var status = null;

  function say(words) {
    if (!status) {
      status = document.createElement("p");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = words;
  }

  // "1" when the reader opened everything this post hides (its content warning, a collapsed post).
  function opened(article) {
    var hidden = article ? article.querySelectorAll("details") : [];
    if (!hidden.length) return "";
    for (var i = 0; i < hidden.length; i++) if (!hidden[i].open) return "";
    return "1";
  }

  function show(form, reactions) {
    var postId = form.getAttribute("data-post");
    reactions.forEach(function (reaction) {
      var button = form.querySelector('button[data-kind="' + reaction.kind + '"]');
      if (!button) return;
      button.value = reaction.kind + ":" + (reaction.mine ? "off" : "on");
      button.setAttribute("aria-pressed", reaction.mine ? "true" : "false");
      var count = button.querySelector(".count");
      if (reaction.count && !count) {
        count = document.createElement("span");
        count.className = "count";
        button.append(" ", count);
      }
      if (count && !reaction.count) {
        count.previousSibling.textContent = count.previousSibling.textContent.replace(/\s+$/, "");
        count.remove();
      }
      if (count && reaction.count) count.textContent = String(reaction.count);

      var whoId = "who-" + postId + "-" + reaction.kind;
      var who = document.getElementById(whoId);
      if (reaction.count) {
        if (!who) {
          who = document.createElement("span");
          who.className = "who";
          who.id = whoId;
          who.setAttribute("role", "tooltip");
          button.insertAdjacentElement("afterend", who);
        }
        who.textContent = reaction.names.join(", ");
        button.setAttribute("aria-describedby", whoId);
      } else {
        if (who) who.remove();
        button.removeAttribute("aria-describedby");
      }
    });
  }

  function token(form) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : form.elements.csrf_token.value;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.reactions")) return;
    form.elements.open.value = opened(form.closest("article"));
    var button = event.submitter;
    if (form.hasAttribute("data-plain") || !button || button.name !== "reaction" || !window.fetch) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    var body = new FormData(form);
    body.append(button.name, button.value);
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token(form) },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        form.removeAttribute("aria-busy");
        if (!answer || !answer.ok) throw new Error("not answered in place");
        show(form, answer.reactions);
        var mine = answer.reactions.filter(function (r) {
          return button.getAttribute("data-kind") === r.kind;
        })[0];
        if (mine) {
          say(mine.label + (mine.mine ? ": yours is added, " : ": yours is taken back, ") + mine.count + " in all.");
        }
      })
      .catch(function () {
        // Sent the ordinary way: the page that comes back says what happened.
        form.removeAttribute("aria-busy");
        form.setAttribute("data-plain", "");
        if (form.requestSubmit) form.requestSubmit(button);
        else button.click();
      });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.quote-link");
    if (!link || !opened(link.closest("article"))) return;
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("open", link.getAttribute("data-post"));
    link.href = url.toString();
  });
})();
