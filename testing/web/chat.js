// @ts-check
/// <reference lib="dom" />
// The chat page of the local Talkomatic server, for a person in a browser:
// sign in, the lobby (live from `lobby update`), create and join rooms, one
// box per person updated letter by letter, your own box sending small diffs
// as you type, votes to kick, leave. Plain ES modules, no framework, no build
// step: it uses the socket.io client bundle the server serves at
// /socket.io/socket.io.js. It connects as a browser with no bot token, so the
// server treats it as a person (docs/protocol.md §1.3). The elements are built
// by chat_view.js, the text model is chat_text.js.
//
// Source of testing/_page.gen.ts: after editing, run `deno task codegen`.

import { applyDiff, diffs, MAX_TEXT, sanitize } from "./chat_text.js";
import { $, el, makeBox, reconcile, roomCard, updateBox, updateRoomCard } from "./chat_view.js";
import { mountBoard } from "./chat_board.js";

/**
 * @typedef {import("./chat_view.js").User} User
 * @typedef {import("./chat_view.js").LobbyRoom} LobbyRoom
 * @typedef {import("./chat_view.js").Box} Box
 * @typedef {{ id: string, name: string, type: string, layout: string, users: User[],
 *   votes: Record<string, string>, messages: Record<string, string> }} Room
 */

/** Chat events per second this page sends at most; the server drops a person's events above 75/s (§1.6). */
const CHAT_EVENTS_PER_SECOND = 40;

// The page runs in a function, so that it can stop when socket.io did not load.
(() => {
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

  // The three carry the server's error envelope: its text is shown, never one written here.
  for (const event of ["error", "room not found", "room full"]) {
    socket.on(event, (/** @type {any} */ payload) => {
      const message = payload && payload.error && payload.error.message;
      showAlert(typeof message === "string" ? message : "The server reported an error.");
      joining = null;
    });
  }

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
    reconcile($("rooms"), lobbyRooms, roomCards, {
      key: (r) => r.id,
      make: (r) =>
        roomCard(() => {
          const current = lobbyRooms.find((x) => x.id === r.id);
          join(r.id, current ? current.name : r.name);
        }),
      update: updateRoomCard,
      element: (card) => card,
    });
    $("no-rooms").hidden = lobbyRooms.length > 0;
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
  const board = mountBoard(socket);

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
    board.enterRoom(me.userId);
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
    board.userLeft(id);
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
    board.leaveRoom();
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
    const you = me;
    reconcile(boxesEl, r.users, boxes, {
      key: (user) => user.id,
      make: (user) =>
        makeBox(user, {
          mine: user.id === you.userId,
          text: r.messages[user.id] ?? "",
          onInput,
          onVote: () => vote(user.id),
        }),
      update: (box, user) =>
        updateBox(box, user, {
          mine: user.id === you.userId,
          against: Object.values(r.votes).filter((t) => t === user.id).length,
          myVote: r.votes[you.userId] === user.id,
        }),
      element: (box) => box.el,
    });
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
