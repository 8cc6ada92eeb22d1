/* Words typed into a form are not lost when the session ended while typing.

   On the "You were signed out" page the server shows back what was typed (only the site's
   own text fields, never a password, and only when this site's page sent the form). This
   keeps it in sessionStorage (this tab only; gone when the tab closes) with the path of the
   page the form was on. After signing in, that page loads this script too (base.html) and
   puts each word back into the empty field of the same name, once, then forgets the draft.
   Values are set as text (.value), never as markup. */
(function () {
  "use strict";

  var KEY = "common-ground:draft";
  var KEEP_MS = 60 * 60 * 1000; // an hour: long enough to sign in, short on a shared computer
  var store;
  try {
    store = window.sessionStorage;
    store.getItem(KEY);
  } catch (e) {
    return; // storage refused (private mode, settings): the words are still on the page
  }

  function keep(source) {
    var fields = {};
    var boxes = source.querySelectorAll("[data-draft-field]");
    for (var i = 0; i < boxes.length; i++) {
      fields[boxes[i].getAttribute("data-draft-field")] = boxes[i].value;
    }
    store.setItem(
      KEY,
      JSON.stringify({ path: source.getAttribute("data-draft-for"), fields: fields, saved: Date.now() })
    );
  }

  function fieldNamed(form, name) {
    var field = form.elements.namedItem(name);
    if (!field || field.length !== undefined && !field.tagName) return null; // a group of radios
    var tag = field.tagName.toLowerCase();
    var type = (field.getAttribute("type") || "text").toLowerCase();
    if (tag === "textarea") return field;
    if (tag === "input" && ["text", "search", "url", "email"].indexOf(type) !== -1) return field;
    return null; // never a password, a hidden field or a checkbox
  }

  function restore() {
    var draft;
    try {
      draft = JSON.parse(store.getItem(KEY) || "null");
    } catch (e) {
      draft = null;
    }
    if (!draft || !draft.fields) return;
    if (Date.now() - draft.saved > KEEP_MS) {
      store.removeItem(KEY);
      return;
    }
    if (draft.path !== window.location.pathname + window.location.search) return;
    if (document.querySelector('form[action*="/auth/login"]')) return; // not yet signed in
    var restored = null;
    var forms = document.querySelectorAll("form[method='post'], form[method='POST']");
    for (var f = 0; f < forms.length && !restored; f++) {
      var matched = 0;
      for (var name in draft.fields) {
        if (Object.prototype.hasOwnProperty.call(draft.fields, name) && fieldNamed(forms[f], name)) matched++;
      }
      if (matched === Object.keys(draft.fields).length) restored = forms[f];
    }
    if (!restored) return;
    for (var key in draft.fields) {
      if (!Object.prototype.hasOwnProperty.call(draft.fields, key)) continue;
      var field = fieldNamed(restored, key);
      if (field && !field.value.trim()) field.value = draft.fields[key];
    }
    store.removeItem(KEY);
    var note = document.createElement("p");
    note.className = "draft-restored";
    note.setAttribute("role", "status");
    note.textContent = "We put back what you had typed before you were signed out. Check it, then send it.";
    restored.insertBefore(note, restored.firstChild);
  }

  var source = document.querySelector("[data-draft-for]");
  if (source) {
    keep(source);
  } else {
    restore();
  }
})();
