// @ts-check
/// <reference lib="dom" />
// The chat page of the local Talkomatic server, for a person in a browser:
// sign in, the lobby (live from `lobby update`), create and join rooms, one
// box per person updated letter by letter, your own box sending small diffs
// as you type, votes to kick, leave. Plain script, no framework, no build
// step: it uses the socket.io client bundle the server serves at
// /socket.io/socket.io.js. It connects as a browser with no bot token, so the
// server treats it as a person (docs/protocol.md §1.3).
//
// Source of testing/_page.gen.ts: after editing, run `deno task codegen`.

(() => {
  "use strict";

  // The protocol's limits, from schemas/limits.gen.ts: codegen/page.ts writes each
  // value in place of the placeholder naming it when it embeds this page in
  // testing/_page.gen.ts.
  /** The server keeps at most this many characters of a person's text (§7.2). */
  const MAX_TEXT = Number("{{MAX_MESSAGE_LENGTH}}");
  /** People per room (§8.4). */
  const ROOM_CAPACITY = Number("{{ROOM_CAPACITY}}");
  /** Chat events per second this page sends at most; the server drops a person's events above 75/s (§1.6). */
  const CHAT_EVENTS_PER_SECOND = 40;

  /**
   * @typedef {{ id: string, username: string, location: string }} User
   * @typedef {{ id: string, name: string, type: string, layout: string, isFull: boolean,
   *   userCount: number, users: User[] }} LobbyRoom
   * @typedef {{ type: "full-replace", text: string } | { type: "add", index: number, text: string }
   *   | { type: "delete", index: number, count: number }
   *   | { type: "replace", index: number, text: string }} Diff
   * @typedef {{ id: string, name: string, type: string, layout: string, users: User[],
   *   votes: Record<string, string>, messages: Record<string, string> }} Room
   * @typedef {{ el: HTMLElement, who: HTMLElement, where: HTMLElement, typing: HTMLElement,
   *   votes: HTMLElement, kick: HTMLButtonElement | null, kickName: HTMLElement | null,
   *   text: HTMLTextAreaElement }} Box
   */

  /**
   * The element with that id.
   * @param {string} id
   * @returns {HTMLElement}
   */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /**
   * A new element with a class and text.
   * @param {string} tag
   * @param {string} [className]
   * @param {string} [text]
   * @returns {HTMLElement}
   */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ------------------------------------------------------------ text and diffs

  const COMBINING =
    /[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{3,}/g;

  /**
   * The server's clean-up of chat text (§7.4), so that this page's copy of
   * your text never drifts from the server's: no U+202E, no carriage
   * returns, runs of combining marks cut to 2.
   * @param {string} text
   * @returns {string}
   */
  function sanitize(text) {
    return text.replace(/[\u202e\r]/g, "").replace(COMBINING, (run) => run.slice(0, 2));
  }

  /** @param {string} s @param {number} i */
  const isHigh = (s, i) => /[\ud800-\udbff]/.test(s.charAt(i));
  /** @param {string} s @param {number} i */
  const isLow = (s, i) => /[\udc00-\udfff]/.test(s.charAt(i));

  /**
   * The small diffs that turn `before` into `after`, as the real client sends
   * them: one `add` for typed or pasted text, one `delete` for erased text,
   * `replace` when a selection is typed over by as many characters, else a
   * `delete` then an `add`. Never splits a surrogate pair.
   * @param {string} before
   * @param {string} after
   * @returns {Diff[]}
   */
  function diffs(before, after) {
    if (before === after) return [];
    const max = Math.min(before.length, after.length);
    let start = 0;
    while (start < max && before[start] === after[start]) start++;
    if (start > 0 && isHigh(before, start - 1)) start--;
    let end = 0;
    while (
      end < max - start &&
      before[before.length - 1 - end] === after[after.length - 1 - end]
    ) end++;
    if (end > 0 && isLow(after, after.length - end)) end--;
    const removed = before.length - start - end;
    const inserted = after.slice(start, after.length - end);
    if (removed === 0) return [{ type: "add", index: start, text: inserted }];
    if (inserted === "") return [{ type: "delete", index: start, count: removed }];
    if (removed === inserted.length) return [{ type: "replace", index: start, text: inserted }];
    return [
      { type: "delete", index: start, count: removed },
      { type: "add", index: start, text: inserted },
    ];
  }

  /**
   * Applies a diff (the server only sends `full-replace`, §5.5; the others are
   * handled in case).
   * @param {string} text
   * @param {Diff} diff
   * @returns {string}
   */
  function applyDiff(text, diff) {
    if (diff.type === "full-replace") return diff.text;
    const at = Math.min(diff.index, text.length);
    if (diff.type === "add") return text.slice(0, at) + diff.text + text.slice(at);
    if (diff.type === "delete") return text.slice(0, at) + text.slice(at + diff.count);
    return text.slice(0, at) + diff.text + text.slice(at + diff.text.length);
  }

  // ------------------------------------------------------------ page state

  /** @type {{ userId: string, username: string, location: string } | null} */
  let me = null;
  /** @type {LobbyRoom[]} */
  let lobbyRooms = [];
  /** @type {Room | null} */
  let room = null;
  /** The room a join was asked for, to name it in the access code prompt. @type {{ id: string, name: string } | null} */
  let joining = null;
  /** The room to rejoin after the connection came back. @type {{ id: string, name: string } | null} */
  let rejoin = null;
  /** Your text as the server has it (everything sent so far applied). */
  let sent = "";
  /** When the last chat events were sent (ms), for the rate cap. @type {number[]} */
  const sentAt = [];
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let flushTimer;
  /** @type {Map<string, Box>} */
  const boxes = new Map();
  /** @type {Map<string, HTMLElement>} */
  const roomCards = new Map();

  const views = {
    signin: $("signin"),
    lobby: $("lobby"),
    room: $("room"),
  };

  /**
   * Shows one view.
   * @param {"signin" | "lobby" | "room" | null} name
   */
  function show(name) {
    for (const [key, view] of Object.entries(views)) view.hidden = key !== name;
    $("me").hidden = !me || name === "signin";
    if (me) $("me-name").textContent = "Signed in as " + me.username + " (" + me.location + ")";
    document.title = name === "room" && room
      ? room.name + " · Talkomatic (local server)"
      : "Talkomatic (local server)";
  }

  /** @returns {"signin" | "lobby" | "room" | null} */
  function currentView() {
    for (const [key, view] of Object.entries(views)) {
      if (!view.hidden) return /** @type {"signin" | "lobby" | "room"} */ (key);
    }
    return null;
  }

  const alertBox = $("alert");

  /**
   * Shows a message in the alert area (role="alert", read out by screen
   * readers), with an optional button.
   * @param {string} message
   * @param {{ label: string, onClick: () => void }} [action]
   */
  function showAlert(message, action) {
    alertBox.replaceChildren(el("span", "", message));
    if (action) {
      const button = /** @type {HTMLButtonElement} */ (el("button", "btn small", action.label));
      button.type = "button";
      button.addEventListener("click", () => {
        clearAlert();
        action.onClick();
      });
      alertBox.append(button);
    }
  }

  function clearAlert() {
    alertBox.replaceChildren();
  }

  /** @param {string} text */
  function setStatus(text) {
    $("status").textContent = text;
  }

  // ------------------------------------------------------------ the connection

  /** @type {any} */
  const io = /** @type {any} */ (globalThis).io;
  if (typeof io !== "function") {
    showAlert("Could not load /socket.io/socket.io.js: is the server running?");
    setStatus("");
    return;
  }
  const CANNOT_CONNECT = "Cannot connect: ";
  /** No token: the server sees a browser and treats this page as a person. */
  const socket = io({ reconnectionDelayMax: 5000 });

  socket.on("connect", () => {
    setStatus("Connected");
    if ((alertBox.textContent ?? "").startsWith(CANNOT_CONNECT)) clearAlert();
    socket.emit("check signin status");
  });

  socket.on("disconnect", (/** @type {string} */ reason) => {
    setStatus("Disconnected (" + reason + "), reconnecting…");
    if (room) {
      // The server took us out of the room; join it again once reconnected.
      rejoin = { id: room.id, name: room.name };
      leftRoom();
    }
    if (reason === "io server disconnect") socket.connect();
  });

  socket.on("connect_error", (/** @type {Error} */ error) => {
    showAlert(CANNOT_CONNECT + error.message);
    setStatus("Not connected");
    // socket.io does not retry after the server refused the handshake.
    if (!socket.active) setTimeout(() => socket.connect(), 5000);
  });

  socket.on("signin status", (/** @type {any} */ status) => {
    if (!status.isSignedIn) {
      // A new session (the server restarted, or the cookie expired): rooms are gone too.
      me = null;
      rejoin = null;
      show("signin");
      /** @type {HTMLInputElement} */ ($("signin-name")).focus();
      return;
    }
    me = { userId: status.userId, username: status.username, location: status.location };
    if (rejoin) {
      join(rejoin.id, rejoin.name);
      rejoin = null;
    }
    if (currentView() !== "room") {
      show("lobby");
      socket.emit("get rooms");
    }
  });

  socket.on("validation_error", (/** @type {Record<string, string>} */ errors) => {
    showAlert(Object.values(errors).join(" "));
  });

  socket.on("error", (/** @type {any} */ payload) => {
    const message = payload && payload.error && payload.error.message;
    showAlert(typeof message === "string" ? message : "The server reported an error.");
    joining = null;
  });

  socket.on("room not found", () => {
    showAlert("Room not found.");
    joining = null;
  });

  socket.on("room full", () => {
    showAlert("Room is full.");
    joining = null;
  });

  socket.on("message", (/** @type {any} */ payload) => {
    if (payload && typeof payload.text === "string") showAlert(payload.text);
  });

  // ------------------------------------------------------------ sign in

  const signinForm = /** @type {HTMLFormElement} */ ($("signin-form"));
  const signinName = /** @type {HTMLInputElement} */ ($("signin-name"));
  const signinLocation = /** @type {HTMLInputElement} */ ($("signin-location"));
  try {
    signinName.value = localStorage.getItem("talkomatic.username") ?? "";
    signinLocation.value = localStorage.getItem("talkomatic.location") ?? "";
  } catch {
    // Storage may be off; the fields start empty.
  }

  signinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearAlert();
    const username = signinName.value;
    const location = signinLocation.value;
    try {
      localStorage.setItem("talkomatic.username", username);
      localStorage.setItem("talkomatic.location", location);
    } catch {
      // Not remembered, that's all.
    }
    socket.emit("join lobby", location ? { username, location } : { username });
  });

  $("rename").addEventListener("click", () => {
    if (currentView() === "room") return;
    if (me) {
      signinName.value = me.username;
      signinLocation.value = me.location;
    }
    show("signin");
    signinName.focus();
  });

  // ------------------------------------------------------------ lobby

  /** @param {LobbyRoom[]} rooms */
  function setLobby(rooms) {
    if (!Array.isArray(rooms)) return;
    lobbyRooms = rooms;
    renderLobby();
  }

  socket.on("lobby update", setLobby);
  socket.on("initial rooms", setLobby);

  function renderLobby() {
    const list = $("rooms");
    const seen = new Set();
    lobbyRooms.forEach((r, i) => {
      seen.add(r.id);
      let card = roomCards.get(r.id);
      if (!card) {
        card = roomCard(r);
        roomCards.set(r.id, card);
      }
      updateRoomCard(card, r);
      if (list.children[i] !== card) list.insertBefore(card, list.children[i] ?? null);
    });
    for (const [id, card] of roomCards) {
      if (!seen.has(id)) {
        card.remove();
        roomCards.delete(id);
      }
    }
    $("no-rooms").hidden = lobbyRooms.length > 0;
  }

  /**
   * A lobby entry: name, type, layout, people, free seats and its join button.
   * @param {LobbyRoom} r
   * @returns {HTMLElement}
   */
  function roomCard(r) {
    const card = el("li", "room-card");
    const title = el("div", "room-title");
    const name = el("h3", "room-name");
    const badges = el("span", "badges");
    title.append(name, badges);
    const seats = el("p", "seats");
    const people = el("p", "people");
    const button = /** @type {HTMLButtonElement} */ (el("button", "btn primary"));
    button.type = "button";
    button.append("Join", el("span", "sr-only"));
    button.addEventListener("click", () => {
      const current = lobbyRooms.find((x) => x.id === r.id);
      join(r.id, current ? current.name : r.name);
    });
    card.append(title, seats, people, button);
    return card;
  }

  /**
   * @param {HTMLElement} card
   * @param {LobbyRoom} r
   */
  function updateRoomCard(card, r) {
    const [title, seats, people, button] = /** @type {HTMLElement[]} */ ([...card.children]);
    /** @type {HTMLElement} */ (title.firstChild).textContent = r.name;
    const badges = /** @type {HTMLElement} */ (title.lastChild);
    const typeBadge = el("span", "badge " + r.type, r.type);
    const layoutBadge = el("span", "badge", r.layout);
    badges.replaceChildren(typeBadge, layoutBadge);
    if (r.isFull) badges.append(el("span", "badge full", "full"));
    const count = r.userCount ?? r.users.length;
    const free = r.isFull ? 0 : Math.max(0, ROOM_CAPACITY - count);
    seats.textContent = (count === 1 ? "1 person" : count + " people") + " · " +
      (free === 1 ? "1 free seat" : free + " free seats");
    people.textContent = r.users.length
      ? r.users.map((u) => u.username + " (" + u.location + ")").join(", ")
      : "Nobody yet";
    /** @type {HTMLElement} */ (button.lastChild).textContent = " " + r.name;
  }

  /**
   * Asks to join a room; the server may answer `access code required`.
   * @param {string} id
   * @param {string} name
   * @param {string} [accessCode]
   */
  function join(id, name, accessCode) {
    clearAlert();
    joining = { id, name };
    socket.emit(
      "join room",
      accessCode === undefined ? { roomId: id } : { roomId: id, accessCode },
    );
  }

  const codeDialog = /** @type {HTMLDialogElement} */ ($("code-dialog"));
  const codeInput = /** @type {HTMLInputElement} */ ($("code-input"));

  socket.on("access code required", () => {
    if (!joining) return;
    $("code-title").textContent = joining.name
      ? "Join " + joining.name
      : "Join a semi-private room";
    $("code-text").textContent = "This room is semi-private: enter its 6-digit access code.";
    codeInput.value = "";
    codeDialog.showModal();
    codeInput.focus();
  });

  $("code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    codeDialog.close();
    if (joining) join(joining.id, joining.name, codeInput.value.trim());
  });

  $("code-cancel").addEventListener("click", () => {
    codeDialog.close();
    joining = null;
  });

  const createForm = /** @type {HTMLFormElement} */ ($("create-form"));
  const createType = /** @type {HTMLSelectElement} */ ($("create-type"));
  const createCode = /** @type {HTMLInputElement} */ ($("create-code"));

  function syncCodeField() {
    const semi = createType.value === "semi-private";
    $("create-code-field").hidden = !semi;
    $("create-code-hint").hidden = !semi;
    createCode.required = semi;
  }
  createType.addEventListener("change", syncCodeField);
  syncCodeField();

  createForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearAlert();
    const data = new FormData(createForm);
    /** @type {Record<string, string>} */
    const payload = {
      name: String(data.get("name") ?? ""),
      type: String(data.get("type")),
      layout: String(data.get("layout")),
    };
    if (payload.type === "semi-private") payload.accessCode = createCode.value.trim();
    joining = { id: "", name: payload.name };
    socket.emit("create room", payload);
  });

  // Creating does not join (§4.5): join the new room right away. The server
  // remembers a semi-private room's code for its creator.
  socket.on("room created", (/** @type {string} */ id) => {
    createForm.reset();
    syncCodeField();
    join(id, joining ? joining.name : "");
  });

  // ------------------------------------------------------------ the room

  const boxesEl = $("boxes");
  const leaveButton = $("leave");

  socket.on("room joined", (/** @type {any} */ p) => {
    joining = null;
    if (me) me.userId = p.userId;
    else me = { userId: p.userId, username: p.username, location: p.location };
    room = {
      id: p.roomId,
      name: p.roomName,
      type: p.roomType,
      layout: p.layout,
      users: p.users,
      votes: p.votes ?? {},
      messages: { ...p.currentMessages },
    };
    sent = room.messages[me.userId] ?? "";
    boxes.clear();
    boxesEl.replaceChildren();
    clearAlert();
    show("room");
    renderRoom();
    const mine = boxes.get(me.userId);
    if (mine) {
      mine.text.value = sent;
      mine.text.focus();
    }
  });

  socket.on("room update", (/** @type {any} */ snapshot) => {
    if (!room || !me || !snapshot || snapshot.id !== room.id) return;
    room.users = snapshot.users;
    room.votes = snapshot.votes ?? {};
    for (const [id, text] of Object.entries(snapshot.currentMessages ?? {})) {
      if (id !== me.userId) room.messages[id] = String(text);
    }
    if (!room.users.some((u) => u.id === me?.userId)) {
      showAlert("You are no longer in " + room.name + ".");
      leftRoom();
      return;
    }
    renderRoom();
  });

  socket.on("user joined", (/** @type {User} */ user) => {
    if (!room || room.users.some((u) => u.id === user.id)) return;
    room.users.push({ id: user.id, username: user.username, location: user.location });
    room.messages[user.id] = "";
    renderRoom();
  });

  socket.on("user left", (/** @type {string} */ id) => {
    if (!room) return;
    if (me && id === me.userId) return leftRoom();
    room.users = room.users.filter((u) => u.id !== id);
    delete room.messages[id];
    renderRoom();
  });

  socket.on("chat update", (/** @type {any} */ p) => {
    if (!room || !p || !p.diff || (me && p.userId === me.userId)) return;
    const text = applyDiff(room.messages[p.userId] ?? "", p.diff);
    room.messages[p.userId] = text;
    const box = boxes.get(p.userId);
    if (box) box.text.value = text;
  });

  socket.on("user typing", (/** @type {any} */ p) => {
    const box = p && boxes.get(p.userId);
    if (box) box.typing.hidden = !p.isTyping;
  });

  socket.on("update votes", (/** @type {Record<string, string>} */ votes) => {
    if (!room) return;
    room.votes = votes ?? {};
    renderRoom();
  });

  socket.on("kicked", () => {
    showAlert(
      "You were voted out of " + (room ? room.name : "the room") + " and cannot join it again.",
    );
  });

  socket.on("afk warning", (/** @type {any} */ p) => {
    showAlert(String(p && p.message) + " Type something to stay in the room.", {
      label: "I'm here",
      onClick: () => socket.emit("afk response"),
    });
  });

  socket.on("afk timeout", (/** @type {any} */ p) => {
    showAlert(String(p && p.message));
  });

  leaveButton.addEventListener("click", () => {
    clearAlert();
    socket.emit("leave room");
    leftRoom();
  });

  /** Back to the lobby (after leave, kick, AFK or a lost connection). */
  function leftRoom() {
    room = null;
    sent = "";
    sentAt.length = 0;
    clearTimeout(flushTimer);
    flushTimer = undefined;
    boxes.clear();
    boxesEl.replaceChildren();
    if (me) {
      show("lobby");
      socket.emit("get rooms");
      $("rooms-title").focus();
    }
  }

  function renderRoom() {
    if (!room || !me) return;
    const r = room;
    $("room-title").textContent = r.name;
    const count = r.users.length;
    $("room-info").textContent = r.type + " room " + r.id + " · " +
      (count === 1 ? "1 person" : count + " people") + " · " + r.layout + " layout";
    boxesEl.className = "boxes " + (r.layout === "vertical" ? "vertical" : "horizontal");
    boxesEl.dataset.layout = r.layout;
    const seen = new Set();
    r.users.forEach((user, i) => {
      seen.add(user.id);
      let box = boxes.get(user.id);
      if (!box) {
        box = makeBox(user);
        boxes.set(user.id, box);
      }
      updateBox(box, user);
      if (boxesEl.children[i] !== box.el) {
        const focused = document.activeElement === box.text;
        boxesEl.insertBefore(box.el, boxesEl.children[i] ?? null);
        if (focused) box.text.focus();
      }
    });
    for (const [id, box] of boxes) {
      if (!seen.has(id)) {
        box.el.remove();
        boxes.delete(id);
      }
    }
  }

  /**
   * One person's box: name, location, typing and vote state, their text.
   * Yours is the text area labelled "Your text"; the others are read-only
   * and labelled with the person's name.
   * @param {User} user
   * @returns {Box}
   */
  function makeBox(user) {
    const mine = me !== null && user.id === me.userId;
    const box = el("section", "box" + (mine ? " mine" : ""));
    box.dataset.userId = user.id;
    const head = el("div", "box-head");
    const who = el("span", "who");
    const where = el("span", "where");
    const typing = el("span", "typing", "typing…");
    typing.hidden = true;
    const votes = el("span", "votes");
    head.append(who, where, typing, votes);
    /** @type {HTMLButtonElement | null} */
    let kick = null;
    /** @type {HTMLElement | null} */
    let kickName = null;
    if (!mine) {
      kick = /** @type {HTMLButtonElement} */ (el("button", "btn small"));
      kick.type = "button";
      kickName = el("span", "sr-only");
      kick.append("Vote to kick", kickName);
      kick.addEventListener("click", () => vote(user.id));
      head.append(kick);
    }
    const text = /** @type {HTMLTextAreaElement} */ (el("textarea"));
    text.spellcheck = false;
    if (mine) {
      text.setAttribute("aria-label", "Your text");
      text.maxLength = MAX_TEXT;
      text.placeholder = "Type here. Everyone sees it as you type; Enter starts a new line.";
      text.addEventListener("input", onInput);
    } else {
      text.readOnly = true;
      text.value = (room && room.messages[user.id]) ?? "";
    }
    box.append(head, text);
    return { el: box, who, where, typing, votes, kick, kickName, text };
  }

  /**
   * @param {Box} box
   * @param {User} user
   */
  function updateBox(box, user) {
    if (!room || !me) return;
    const mine = user.id === me.userId;
    box.who.textContent = user.username + (mine ? " (you)" : "");
    box.where.textContent = user.location;
    if (!mine) box.text.setAttribute("aria-label", user.username);
    const against = Object.values(room.votes).filter((t) => t === user.id).length;
    box.votes.textContent = against === 0
      ? ""
      : against === 1
      ? "1 vote to kick"
      : against + " votes to kick";
    if (box.kick && box.kickName) {
      box.kickName.textContent = " " + user.username;
      box.kick.setAttribute("aria-pressed", String(room.votes[me.userId] === user.id));
    }
  }

  /** @param {string} target */
  function vote(target) {
    if (!room) return;
    if (room.users.length < 3) {
      showAlert("Votes to kick count only when at least 3 people are in the room.");
      return;
    }
    socket.emit("vote", { targetUserId: target });
  }

  // ------------------------------------------------------------ your text

  function onInput() {
    if (!me) return;
    const box = boxes.get(me.userId);
    if (!box) return;
    const area = box.text;
    const clean = sanitize(area.value).slice(0, MAX_TEXT);
    if (clean !== area.value) {
      const caret = sanitize(area.value.slice(0, area.selectionEnd)).length;
      area.value = clean;
      area.setSelectionRange(caret, caret);
    }
    flush();
  }

  /**
   * Sends the diffs between what the server has and what the box shows,
   * at most CHAT_EVENTS_PER_SECOND per second: past that, the changes wait
   * and go out together as one diff.
   */
  function flush() {
    if (!room || !me || !socket.connected) return;
    const box = boxes.get(me.userId);
    if (!box) return;
    const now = Date.now();
    while (sentAt.length && now - sentAt[0] >= 1000) sentAt.shift();
    if (sentAt.length + 2 > CHAT_EVENTS_PER_SECOND) {
      flushTimer ??= setTimeout(() => {
        flushTimer = undefined;
        flush();
      }, 1000 - (now - sentAt[0]));
      return;
    }
    const next = box.text.value;
    for (const diff of diffs(sent, next)) {
      socket.emit("chat update", { diff });
      sentAt.push(now);
    }
    sent = next;
  }
})();
