// A chat room, live: messages arrive as they are sent, a message written offline goes when
// the connection is back, and a screen reader hears each new message from others once.
// The page works without this script (templates/chat/room.html); the /chat protocol is in
// INTERFACES.md. Member text only ever reaches the page as textContent, or as the HTML the
// server sanitised when it was written.
(function () {
  "use strict";

  const root = document.getElementById("chat");
  if (!root || !root.dataset.me || typeof window.io !== "function") return;

  const ROOM = root.dataset.room;
  const ME = root.dataset.me;
  const MODERATOR = root.dataset.moderator === "true";
  const PROFILE_URL = root.dataset.profileUrl || "/u/USERNAME";
  const PAGE_SIZE = 50; // the server sends messages 50 at a time
  const EDIT_MINUTES = 10; // authors may change a message this long; the server decides
  const LIMIT = 2000;
  const COUNT_FROM = 1800;
  const TYPING_EVERY = 3000;
  const TYPING_SHOWN = 5000;
  const ANNOUNCE_MAX = 200;
  const ACK_TIMEOUT = 10000;
  const STORE_KEY = "commonground.chat.announce";
  const OFFLINE = "You're offline. We'll reconnect and send your message when we can.";
  const OFFLINE_ACTION = "You're offline. Please try again when the connection is back.";
  const MUTES = [[10, "10 minutes"], [60, "1 hour"], [1440, "1 day"]];

  const $ = (id) => document.getElementById(id);
  const list = $("messages");
  const form = $("composer");
  const textarea = $("chat-body");
  const bodyError = $("chat-body-error");
  const count = $("chat-count");
  const countStatus = $("chat-count-status");
  const connection = $("chat-connection");
  const announcer = $("chat-announcer");
  const announceBox = $("chat-announce");
  const onlineLine = $("online");
  const typingLine = $("chat-typing");
  const notices = $("chat-notices");
  const lockedNotice = $("chat-locked");
  const earlier = $("chat-earlier");
  const earlierButton = $("chat-load-earlier");
  const earlierStatus = $("chat-earlier-status");
  const lockButton = $("chat-lock");
  const lockStatus = $("chat-lock-status");
  const flagTemplate = $("chat-flag-template");

  const messages = new Map(); // id -> what we know of a shown message
  const names = new Map(); // username -> display name, from the messages shown
  const typers = new Map(); // username -> timer that clears them
  const sentBodies = new Map(); // id -> the words I sent, for editing them
  let pending = null; // {clientId, body, inFlight}: my message until the server has it
  let locked = root.dataset.locked === "true";
  let markNext = false; // the tab was hidden: mark the next new message as the first unread
  let lastTyping = 0;
  let everConnected = false;

  // Small helpers -----------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function button(text, attrs) {
    return el("button", Object.assign({ type: "button", class: "button button-secondary button-small" }, attrs), text);
  }

  function hiddenText(text) {
    return el("span", { class: "visually-hidden", text });
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // An inert document: nothing in it loads or runs, unlike an element of this page.
  function parsed(html) {
    return new DOMParser().parseFromString(`<body>${html || ""}</body>`, "text/html").body;
  }

  function plainText(html) {
    return (parsed(html).textContent || "").replace(/\s+/g, " ").trim();
  }

  // Words for the edit box: paragraphs and lines kept, formatting dropped.
  function editableText(html) {
    const body = parsed(html);
    for (const br of body.querySelectorAll("br")) br.replaceWith("\n");
    for (const block of body.querySelectorAll("p, li, blockquote, pre, h1, h2, h3, h4, h5, h6")) {
      block.append("\n\n");
    }
    return (body.textContent || "").replace(/\n{3,}/g, "\n\n").trim();
  }

  function parseTime(iso) {
    if (typeof iso !== "string") return null;
    const zoned = /([zZ]|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`;
    const date = new Date(zoned);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  // The member's time zone from settings (<html data-time-zone>), else the browser's.
  const timeZone = document.documentElement.dataset.timeZone || undefined;

  function dayOf(date) {
    return date.toLocaleDateString("en-CA", { timeZone });
  }

  function localTime(date) {
    const time = date.toLocaleTimeString([], { hour: "numeric", minute: "2-digit", timeZone });
    if (dayOf(date) === dayOf(new Date())) return time;
    return `${date.toLocaleDateString([], { day: "numeric", month: "short", timeZone })}, ${time}`;
  }

  function nameOf(username) {
    return names.get(username) || username;
  }

  function safePath(url) {
    return typeof url === "string" && /^\/(?![/\\])/.test(url) ? url : null;
  }

  function focusOn(node) {
    if (!node) return;
    if (!node.matches("a[href], button, input, textarea, select, summary, [tabindex]")) {
      node.setAttribute("tabindex", "-1");
    }
    node.focus();
  }

  function remember(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (error) {
      // Private browsing may refuse storage: the choice then lasts for this page only.
    }
  }

  function recalled(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  // Talking to the server ---------------------------------------------------------------

  const socket = window.io("/chat", {
    transports: ["websocket", "polling"],
    tryAllTransports: true, // where a network blocks WebSockets, long-polling still works
  });

  // Every request gets an answer: the server's, or one in the same shape when it can't reply.
  function request(event, payload) {
    return new Promise((resolve) => {
      if (!socket.connected) {
        resolve({ ok: false, code: "offline", error: OFFLINE_ACTION });
        return;
      }
      socket.timeout(ACK_TIMEOUT).emit(event, payload, (error, answer) => {
        if (error) {
          resolve(
            socket.connected
              ? { ok: false, code: "timeout", error: "The server did not answer in time. Please try again." }
              : { ok: false, code: "offline", error: OFFLINE_ACTION }
          );
        } else if (answer && typeof answer === "object") {
          resolve(answer);
        } else {
          resolve({ ok: false, code: "invalid", error: "Something went wrong. Please try again." });
        }
      });
    });
  }

  // Showing messages ---------------------------------------------------------------------

  function infoFrom(message) {
    return {
      id: message.id,
      username: message.author && message.author.username,
      name: (message.author && message.author.display_name) || (message.author && message.author.username) || "",
      staffLabel: message.author && message.author.staff_label,
      created: message.created_at,
      edited: Boolean(message.edited_at),
      deleted: Boolean(message.deleted),
      held: Boolean(message.held),
      html: message.deleted ? "" : message.html || "",
    };
  }

  function infoFromPage(li) {
    const prose = li.querySelector(".prose");
    return {
      id: Number(li.dataset.id),
      username: li.dataset.author,
      name: li.dataset.name || li.dataset.author,
      created: li.dataset.created,
      edited: Boolean(li.querySelector(".chat-edited")),
      deleted: li.dataset.deleted === "true",
      held: Boolean(li.querySelector(".chat-held")),
      html: prose ? prose.innerHTML : "",
    };
  }

  function describe(info) {
    const date = parseTime(info.created);
    return `the message by ${info.name}${date ? ` at ${localTime(date)}` : ""}`;
  }

  function renderMessage(info) {
    const mine = info.username === ME;
    const li = el("li", {
      class: `chat-message${info.deleted ? " chat-deleted" : ""}${mine ? " chat-mine" : ""}`,
      id: `message-${info.id}`,
      "data-id": String(info.id),
      "data-author": info.username,
      "data-name": info.name,
      "data-created": info.created,
      "data-deleted": info.deleted ? "true" : null,
    });
    const author = el(
      "span",
      { class: "chat-author" },
      el("a", { href: PROFILE_URL.replace("USERNAME", encodeURIComponent(info.username)), text: info.name })
    );
    if (info.staffLabel) author.append(" ", el("span", { class: "role-badge", text: info.staffLabel }));
    const date = parseTime(info.created);
    const meta = el(
      "p",
      { class: "chat-meta" },
      author,
      " ",
      el("time", { datetime: info.created, text: date ? localTime(date) : "" })
    );
    if (info.edited && !info.deleted) meta.append(el("span", { class: "chat-edited", text: " · edited" }));
    if (info.held) meta.append(el("span", { class: "chat-held", text: " · waiting for a moderator" }));
    li.append(meta);
    if (info.deleted) {
      li.append(el("p", { class: "removed", text: "This message was removed." }));
    } else {
      const prose = el("div", { class: "prose" });
      prose.innerHTML = info.html; // sanitised by the server when it was written
      li.append(prose);
    }
    addActions(li, info);
    return li;
  }

  // The server's page, made live: local times, and actions instead of the plain Flag link.
  function upgradePageMessage(li) {
    const info = infoFromPage(li);
    messages.set(info.id, info);
    names.set(info.username, info.name);
    const time = li.querySelector("time");
    const date = parseTime(info.created);
    if (time && date) time.textContent = localTime(date);
    const link = li.querySelector(".chat-flag-link");
    if (link) link.remove();
    addActions(li, info);
  }

  function messageItems() {
    return list.querySelectorAll("li.chat-message");
  }

  function highestId() {
    let high = 0;
    for (const id of messages.keys()) high = Math.max(high, id);
    return high;
  }

  function lowestId() {
    let low = 0;
    for (const id of messages.keys()) low = low === 0 ? id : Math.min(low, id);
    return low;
  }

  function insertInOrder(li, id) {
    const empty = $("chat-empty");
    if (empty) empty.remove();
    let before = null;
    for (const item of messageItems()) {
      if (Number(item.dataset.id) > id) {
        before = item;
        break;
      }
    }
    if (before && before.previousElementSibling && before.previousElementSibling.id === "first-unread") {
      before = before.previousElementSibling; // the marker stays with the message it marks
    }
    list.insertBefore(li, before);
  }

  function composerInView() {
    const target = form || list.lastElementChild;
    if (!target) return false;
    return target.getBoundingClientRect().top < window.innerHeight;
  }

  // Shows a message, or updates the copy already shown. `fresh` is true only for a new
  // message just sent by someone: the only kind that is read aloud.
  function showMessage(message, fresh) {
    if (!message || message.room !== ROOM || !Number.isInteger(message.id)) return;
    const info = infoFrom(message);
    names.set(info.username, info.name);
    const known = messages.get(info.id);
    const shown = $(`message-${info.id}`);
    const li = renderMessage(info);
    messages.set(info.id, info);
    if (known && shown) {
      updateInPlace(shown, li);
      return;
    }
    // Keep the latest in view for whoever is at the bottom, unless a notice has the focus.
    const follow = fresh && composerInView() && !notices.contains(document.activeElement);
    if (fresh && markNext && info.username !== ME) {
      const old = $("first-unread");
      if (old) old.remove();
      markNext = false;
      insertInOrder(li, info.id);
      list.insertBefore(el("li", { class: "chat-unread-marker", id: "first-unread", text: "New messages" }), li);
    } else {
      insertInOrder(li, info.id);
    }
    if (fresh && info.username !== ME) {
      stopTyping(info.username);
      announce(info);
    }
    if (follow && form) form.scrollIntoView({ block: "nearest" });
  }

  // A changed message keeps its place, and its actions when they are open (a half-filled
  // form stays as it is); the focus stays in it.
  function updateInPlace(shown, li) {
    const hadFocus = shown.contains(document.activeElement);
    shown.className = li.className;
    if (li.dataset.deleted) shown.dataset.deleted = li.dataset.deleted;
    else delete shown.dataset.deleted;
    const part = (node, selector) => node.querySelector(`:scope > ${selector.split(",").join(", :scope > ")}`);
    part(shown, ".chat-meta").replaceWith(part(li, ".chat-meta"));
    part(shown, ".prose,.removed").replaceWith(part(li, ".prose,.removed"));
    const oldActions = part(shown, "details.chat-actions");
    const newActions = part(li, "details.chat-actions");
    if (!newActions) {
      if (oldActions) oldActions.remove();
    } else if (!oldActions) {
      shown.append(newActions);
    } else if (!oldActions.open) {
      oldActions.replaceWith(newActions);
    }
    if (hadFocus && !shown.contains(document.activeElement)) focusOn(shown);
  }

  function announce(info) {
    if (!announcer || (announceBox && !announceBox.checked)) return;
    let text = plainText(info.html);
    if (text.length > ANNOUNCE_MAX) text = `${text.slice(0, ANNOUNCE_MAX - 1).trimEnd()}…`;
    announcer.textContent = text ? `${info.name}: ${text}` : `${info.name} sent a message.`;
  }

  // Actions on a message: compact, in a <details> -------------------------------------

  function withinEditWindow(info) {
    const date = parseTime(info.created);
    return Boolean(date) && Date.now() - date.getTime() < EDIT_MINUTES * 60 * 1000;
  }

  function possibleActions(info) {
    const mine = info.username === ME;
    return {
      edit: mine && !info.deleted && withinEditWindow(info),
      remove: !info.deleted && (mine || MODERATOR),
      flag: !mine && !info.deleted,
      member: MODERATOR && !mine,
    };
  }

  function addActions(li, info) {
    const can = possibleActions(info);
    if (!can.edit && !can.remove && !can.flag && !can.member) return;
    const details = el(
      "details",
      { class: "chat-actions" },
      el("summary", {}, "Actions", hiddenText(` for ${describe(info)}`)),
      el("div", { class: "chat-actions-panel" })
    );
    // Built as the summary is pressed, so the next Tab finds the buttons already there.
    details.querySelector("summary").addEventListener("click", () => {
      if (!details.open) showMenu(details, info.id);
    });
    details.addEventListener("toggle", () => {
      if (details.open && !panelOf(details).firstChild) showMenu(details, info.id);
    });
    li.append(details);
  }

  function panelOf(details) {
    return details.querySelector(".chat-actions-panel");
  }

  function statusLine() {
    return el("p", { class: "meta chat-action-status", role: "status" });
  }

  function showMenu(details, id, focusFirst) {
    const info = messages.get(id);
    if (!info) return;
    const can = possibleActions(info);
    const panel = panelOf(details);
    const row = el("div", { class: "button-row" });
    const status = statusLine();
    if (can.edit) row.append(button("Edit", { "data-action": "edit" }));
    if (can.remove) row.append(button("Delete", { "data-action": "delete" }));
    if (can.flag) row.append(button("Flag", { "data-action": "flag" }));
    panel.replaceChildren(row);
    if (can.member) {
      const mod = el(
        "div",
        { class: "chat-mod-actions" },
        el("p", { class: "meta", text: `Moderate ${info.name}:` })
      );
      const muteRow = el("div", { class: "button-row" });
      for (const [minutes, label] of MUTES) {
        muteRow.append(button(`Mute for ${label}`, { "data-action": "mute", "data-minutes": String(minutes) }));
      }
      muteRow.append(button("End and refer", { "data-action": "refer" }));
      mod.append(muteRow);
      panel.append(mod);
    }
    panel.append(status);
    panel.onclick = (event) => {
      const target = event.target.closest("button[data-action]");
      if (!target || !panel.contains(target)) return;
      const action = target.dataset.action;
      if (action === "edit") showEdit(details, id);
      else if (action === "delete") confirmDelete(details, id);
      else if (action === "flag") showFlag(details, id);
      else if (action === "mute") mute(id, Number(target.dataset.minutes), status);
      else if (action === "refer") showRefer(details, id);
    };
    if (focusFirst) {
      const first = panel.querySelector("button");
      if (first) first.focus();
    }
  }

  function fieldError(container, input, id, text) {
    const error = container.querySelector(`#${id}`);
    error.textContent = text;
    error.hidden = !text;
    if (input) {
      if (text) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", id);
      } else {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
    }
  }

  function wireCancel(container, details, id) {
    const cancel = container.querySelector("[data-cancel]");
    cancel.addEventListener("click", () => showMenu(details, id, true));
    container.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        showMenu(details, id, true);
      }
    });
  }

  function showEdit(details, id) {
    const info = messages.get(id);
    const fieldId = `edit-${id}`;
    const input = el("textarea", { id: fieldId, rows: "3", maxlength: String(LIMIT) });
    input.value = sentBodies.get(id) || editableText(info.html);
    const editForm = el(
      "form",
      { class: "chat-edit stack", novalidate: true },
      el("div", { class: "field" }, el("label", { for: fieldId, text: "Change your message" }), input),
      el("p", { class: "error", id: `${fieldId}-error`, role: "alert", hidden: true }),
      el(
        "div",
        { class: "button-row" },
        el("button", { type: "submit", class: "button button-small", text: "Save" }),
        button("Cancel", { "data-cancel": true })
      )
    );
    panelOf(details).replaceChildren(editForm);
    wireCancel(editForm, details, id);
    editForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = input.value;
      const answer = await request("edit", { id, body });
      if (!answer.ok) {
        fieldError(editForm, input, `${fieldId}-error`, answer.error);
        input.focus();
        return;
      }
      sentBodies.set(id, body);
      const li = $(`message-${id}`);
      const open = li && li.querySelector("details.chat-actions");
      if (open) open.open = false;
      showMessage(answer.message, false);
      const summary = document.querySelector(`#message-${id} details.chat-actions summary`);
      focusOn(summary || $(`message-${id}`));
    });
    input.focus();
  }

  function confirmDelete(details, id) {
    const info = messages.get(id);
    const yes = el("button", { type: "button", class: "button button-danger button-small", text: "Delete it" });
    const status = statusLine();
    const box = el(
      "div",
      { class: "chat-confirm" },
      el("p", {
        text: info.username === ME ? "Delete your message? It can't be brought back." : `Delete this message by ${info.name}?`,
      }),
      el("div", { class: "button-row" }, yes, button("Keep it", { "data-cancel": true })),
      status
    );
    panelOf(details).replaceChildren(box);
    wireCancel(box, details, id);
    yes.addEventListener("click", async () => {
      const answer = await request("delete", { id });
      if (!answer.ok) {
        status.textContent = answer.error;
        return;
      }
      showMessage(answer.message, false);
      focusOn($(`message-${id}`));
    });
    yes.focus();
  }

  function showFlag(details, id) {
    const fragment = flagTemplate.content.cloneNode(true);
    for (const node of fragment.querySelectorAll("[id], [for], [aria-describedby]")) {
      for (const name of ["id", "for", "aria-describedby"]) {
        const value = node.getAttribute(name);
        if (value) node.setAttribute(name, value.replace(/\bflag-ID-/g, `flag-${id}-`));
      }
    }
    const flagForm = fragment.querySelector("form");
    panelOf(details).replaceChildren(fragment);
    wireCancel(flagForm, details, id);
    const note = flagForm.querySelector("textarea");
    flagForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = flagForm.querySelector("input[name=reason]:checked");
      const answer = await request("flag", { id, reason: chosen ? chosen.value : "", note: note.value });
      if (!answer.ok) {
        const noteProblem = chosen && /note|tell the moderators/i.test(answer.error || "");
        fieldError(flagForm, noteProblem ? note : null, `flag-${id}-error`, answer.error);
        (noteProblem ? note : chosen || flagForm.querySelector("input[name=reason]")).focus();
        return;
      }
      const thanks = el("p", {
        class: "chat-thanks",
        role: "status",
        tabindex: "-1",
        text: answer.already ? "You flagged this already. Thank you — a moderator will look at it." : answer.message,
      });
      panelOf(details).replaceChildren(thanks);
      thanks.focus();
    });
    const first = flagForm.querySelector("input[name=reason]");
    if (first) first.focus();
  }

  async function mute(id, minutes, status) {
    const info = messages.get(id);
    const answer = await request("mute", { room: ROOM, username: info.username, minutes });
    const label = (MUTES.find(([value]) => value === minutes) || [0, ""])[1];
    status.textContent = answer.ok ? `${info.name} is muted in this room for ${label}.` : answer.error;
  }

  function showRefer(details, id) {
    const info = messages.get(id);
    const fieldId = `refer-${id}`;
    const note = el("textarea", { id: fieldId, rows: "2", maxlength: "500" });
    const status = statusLine();
    const referForm = el(
      "form",
      { class: "chat-refer stack", novalidate: true },
      el("p", {
        text: `${info.name} will be shown crisis lines and support, kindly, in place of the conversation.`,
      }),
      el(
        "div",
        { class: "field" },
        el("label", { for: fieldId, text: "A note for the moderators' log (optional)" }),
        note
      ),
      el(
        "div",
        { class: "button-row" },
        el("button", { type: "submit", class: "button button-small", text: "End and refer" }),
        button("Cancel", { "data-cancel": true })
      ),
      status
    );
    panelOf(details).replaceChildren(referForm);
    wireCancel(referForm, details, id);
    referForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = await request("end_and_refer", { room: ROOM, username: info.username, note: note.value });
      status.textContent = answer.ok ? `Done: ${info.name} has been shown support.` : answer.error;
    });
    note.focus();
  }

  // Notices from the server --------------------------------------------------------------

  function dismissible(panel) {
    const close = button("Close", { class: "button button-secondary button-small chat-notice-close" });
    close.append(hiddenText(" this notice"));
    close.addEventListener("click", () => {
      panel.remove();
      focusOn(textarea || $("main"));
    });
    panel.append(close);
    return panel;
  }

  function showNotice(notice) {
    if (!notice || typeof notice.html !== "string") return;
    const support = notice.kind === "crisis" || notice.kind === "referred";
    const key = support ? "support" : String(notice.kind);
    for (const old of notices.querySelectorAll(".chat-notice")) {
      if (old.dataset.notice === key) old.remove();
    }
    const body = el("div", { class: "chat-notice-body" });
    body.innerHTML = notice.html; // the server's own template, not member text
    for (const node of body.querySelectorAll("[autofocus]")) node.removeAttribute("autofocus");
    const panel = el("div", {
      class: `chat-notice${support ? "" : " notice"}`,
      "data-notice": key,
      role: support ? null : "alert",
    });
    panel.append(body);
    notices.prepend(dismissible(panel));
    if (support) focusOn(panel.querySelector(".crisis-panel") || panel);
  }

  function showModAlert(alert) {
    const url = safePath(alert && alert.url);
    if (!url) return;
    const old = notices.querySelector(".chat-mod-alert");
    if (old) old.remove();
    const panel = el(
      "div",
      { class: "chat-notice chat-mod-alert", role: "alert" },
      el("p", {}, el("a", { href: url, text: "Urgent: a member may need support" }))
    );
    notices.prepend(dismissible(panel));
  }

  // The room: who is here, who is typing, paused or open ----------------------------------

  function showOnline(online) {
    if (!Array.isArray(online)) return;
    const others = online.filter((username) => username !== ME).map(nameOf);
    onlineLine.textContent = others.length ? `Online: ${others.join(", ")}` : "Nobody else is online right now.";
  }

  function showTyping() {
    const people = Array.from(typers.keys()).map(nameOf);
    let text = "";
    if (people.length === 1) text = `${people[0]} is typing…`;
    else if (people.length === 2) text = `${people[0]} and ${people[1]} are typing…`;
    else if (people.length > 2) text = "Several people are typing…";
    typingLine.textContent = text;
  }

  function startTyping(username) {
    if (!username || username === ME) return;
    clearTimeout(typers.get(username));
    typers.set(username, setTimeout(() => stopTyping(username), TYPING_SHOWN));
    showTyping();
  }

  function stopTyping(username) {
    if (!typers.has(username)) return;
    clearTimeout(typers.get(username));
    typers.delete(username);
    showTyping();
  }

  function showLocked(value) {
    locked = Boolean(value);
    if (lockedNotice) lockedNotice.hidden = !locked;
    if (lockButton) lockButton.textContent = locked ? lockButton.dataset.reopen : lockButton.dataset.pause;
  }

  // Connection ----------------------------------------------------------------------------

  function showConnection(text) {
    if (connection) connection.textContent = text;
  }

  let backOnlineTimer = null;

  function join() {
    request("join", { room: ROOM, since_id: highestId() }).then((answer) => {
      if (!answer.ok) {
        showConnection(answer.error);
        return;
      }
      for (const message of answer.messages || []) showMessage(message, false);
      root.dataset.connection = "online";
      showOnline(answer.online);
      if ("locked" in answer) showLocked(answer.locked);
      if (pending && !pending.inFlight) sendPending();
    });
  }

  socket.on("connect", () => {
    clearTimeout(backOnlineTimer);
    if (everConnected) {
      showConnection("You're back online.");
      backOnlineTimer = setTimeout(() => showConnection(""), 5000);
    } else {
      showConnection("");
    }
    everConnected = true;
    join();
  });

  socket.on("disconnect", (reason) => {
    root.dataset.connection = "offline";
    if (reason === "io server disconnect") {
      showConnection("The live connection was closed. Please reload the page to carry on.");
    } else {
      showConnection(OFFLINE);
    }
    for (const username of Array.from(typers.keys())) stopTyping(username);
  });

  socket.on("connect_error", () => {
    if (everConnected || !navigator.onLine) showConnection(OFFLINE);
    else showConnection("Connecting to the live chat… You can still write; we'll send when we can.");
  });

  socket.on("message", (message) => showMessage(message, true));
  socket.on("message_updated", (message) => {
    if (message && messages.has(message.id)) showMessage(message, false);
  });
  socket.on("presence", (data) => {
    if (data && data.room === ROOM) showOnline(data.online);
  });
  socket.on("typing", (data) => {
    if (data && data.room === ROOM) startTyping(data.username);
  });
  socket.on("room", (data) => {
    if (data && data.room === ROOM) showLocked(data.locked);
  });
  socket.on("notice", showNotice);
  socket.on("mod_alert", showModAlert);
  socket.on("meeting", showMeeting);

  // A support meeting in this room: the banner follows its pinned message and its end; a
  // meeting that starts while the page is open is said in a short line with its link.
  function showMeeting(meeting) {
    if (!meeting || meeting.room !== ROOM) return;
    const banner = document.getElementById("meeting-banner");
    if (meeting.state === "ended") {
      if (banner) banner.hidden = true;
      return;
    }
    if (banner) {
      banner.hidden = false;
      const pinned = document.getElementById("meeting-pinned");
      const pinnedText = document.getElementById("meeting-pinned-text");
      if (pinned && pinnedText) {
        pinnedText.textContent = meeting.pinned || "";
        pinned.hidden = !meeting.pinned;
      }
      return;
    }
    const line = document.createElement("p");
    line.className = "notice";
    const link = document.createElement("a");
    link.href = meeting.url;
    link.textContent = "A support meeting has started here: " + meeting.title;
    line.appendChild(link);
    const heading = document.querySelector("h1");
    if (heading) heading.after(line);
  }

  // The composer ----------------------------------------------------------------------------

  function showError(text) {
    if (!bodyError || !textarea) return;
    const describedBy = (textarea.getAttribute("aria-describedby") || "")
      .split(/\s+/)
      .filter((id) => id && id !== bodyError.id);
    bodyError.textContent = text || "";
    bodyError.hidden = !text;
    bodyError.setAttribute("role", "alert");
    textarea.closest(".field").classList.toggle("field-error", Boolean(text));
    if (text) {
      describedBy.push(bodyError.id);
      textarea.setAttribute("aria-invalid", "true");
    } else {
      textarea.removeAttribute("aria-invalid");
    }
    textarea.setAttribute("aria-describedby", describedBy.join(" "));
  }

  function sendPending() {
    const sent = pending;
    sent.inFlight = true;
    request("send", { room: ROOM, body: sent.body, client_id: sent.clientId }).then((answer) => {
      sent.inFlight = false;
      if (answer.ok) {
        if (pending === sent) pending = null;
        if (answer.message) {
          sentBodies.set(answer.message.id, sent.body);
          showMessage(answer.message, false);
        }
        if (textarea.value === sent.body) {
          textarea.value = "";
          updateCount();
        }
        showError("");
      } else if (answer.code === "offline") {
        showConnection(OFFLINE); // kept, and sent again with the same id on reconnecting
      } else {
        showError(answer.error);
      }
    });
  }

  function send() {
    const body = textarea.value;
    if (pending && pending.inFlight) return; // the server is answering: one at a time
    if (!body.trim()) {
      showError("Please write a message first.");
      return;
    }
    if (!pending || pending.body !== body) pending = { clientId: newClientId(), body, inFlight: false };
    if (!socket.connected) {
      showConnection(OFFLINE);
      return;
    }
    sendPending();
  }

  let countTimer = null;

  function updateCount() {
    const used = textarea.value.length;
    clearTimeout(countTimer);
    if (used < COUNT_FROM) {
      count.hidden = true;
      count.textContent = "";
      countStatus.textContent = "";
      return;
    }
    const left = LIMIT - used;
    const text = left === 0 ? "You have used all 2,000 characters." : `${left.toLocaleString("en")} characters left`;
    count.hidden = false;
    count.textContent = text;
    // Read aloud once typing pauses, not at every key.
    countTimer = setTimeout(() => {
      countStatus.textContent = text;
    }, 1000);
  }

  function typed() {
    const now = Date.now();
    if (socket.connected && textarea.value.trim() && now - lastTyping >= TYPING_EVERY) {
      lastTyping = now;
      socket.emit("typing", { room: ROOM });
    }
  }

  if (form && textarea) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send();
    });
    textarea.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) {
        return;
      }
      event.preventDefault();
      send();
    });
    textarea.addEventListener("input", () => {
      updateCount();
      typed();
    });
    for (const hint of form.querySelectorAll(".chat-js-hint")) hint.hidden = false;
    updateCount();
  }

  // Earlier messages ------------------------------------------------------------------------

  if (earlierButton) {
    let loading = false;
    earlierButton.addEventListener("click", async () => {
      const before = lowestId();
      if (loading || !before) return;
      loading = true;
      earlierButton.setAttribute("aria-disabled", "true");
      earlierStatus.textContent = "Loading…";
      const answer = await request("history", { room: ROOM, before_id: before });
      loading = false;
      earlierButton.removeAttribute("aria-disabled");
      if (!answer.ok) {
        earlierStatus.textContent = answer.error;
        return;
      }
      const older = answer.messages || [];
      for (const message of older) showMessage(message, false);
      if (older.length < PAGE_SIZE) {
        earlierButton.hidden = true;
        earlierStatus.textContent = older.length
          ? `Loaded ${older.length} earlier ${older.length === 1 ? "message" : "messages"}. This is the start of the room.`
          : "This is the start of the room.";
        earlierStatus.focus(); // the button is gone: the focus stays where it was
      } else {
        earlierStatus.textContent = `Loaded ${older.length} earlier messages.`;
      }
    });
  }

  // Moderators: pause and reopen the room --------------------------------------------------

  if (lockButton) {
    lockButton.addEventListener("click", async () => {
      const answer = await request("lock", { room: ROOM, locked: !locked });
      if (!answer.ok) {
        lockStatus.textContent = answer.error;
        return;
      }
      showLocked(answer.locked);
      lockStatus.textContent = answer.locked
        ? "The room is paused: members can read it, but not write."
        : "The room is open again.";
    });
    $("chat-room-tools").hidden = false;
  }

  // Announcing, and the page as it was served -----------------------------------------------

  if (announceBox) {
    announceBox.checked = recalled(STORE_KEY) !== "off";
    announceBox.addEventListener("change", () => {
      remember(STORE_KEY, announceBox.checked ? "on" : "off");
      if (!announceBox.checked) announcer.textContent = "";
    });
    $("chat-announce-option").hidden = false;
    $("chat-announce-hint").hidden = false;
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) markNext = true;
  });

  for (const li of messageItems()) upgradePageMessage(li);
  if (earlier && messages.size >= PAGE_SIZE) earlier.hidden = false;

  if (!window.location.hash) {
    const unread = $("first-unread");
    if (unread) unread.scrollIntoView({ block: "start" });
    else if (form && messages.size) form.scrollIntoView({ block: "end" });
  }
})();
