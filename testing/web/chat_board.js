// @ts-check
/// <reference lib="dom" />
// The Talkoboard of the chat page (docs/protocol.md §4.12): a canvas on an
// infinite plane of world coordinates (x right, y down, (0, 0) at the top
// left when the board opens), with pan (drag with Shift, the middle button
// or two fingers... one finger draws) and zoom (wheel, or the buttons).
// Everyone's strokes are drawn live in their colours and sizes; yours are
// sent as `board stroke start`, moves of at most 200 points, `board stroke end`.
// A board chat and a clear button sit beside it.
//
// Part of the chat page (testing/web/chat.js); after editing, run `deno task codegen`.

import { $, el } from "./chat_view.js";

/** Points per `board stroke move`, from schemas/limits.gen.ts (written in by codegen/page.ts). */
const MAX_MOVE_POINTS = Number("{{MAX_BOARD_POINTS_PER_MOVE}}");
/** Strokes the server keeps (§4.12). */
const MAX_STROKES = Number("{{MAX_BOARD_STROKES}}");
/** Board chat characters. */
const MAX_CHAT = Number("{{MAX_BOARD_CHAT_LENGTH}}");
/** How often buffered points go out (ms): ~17 events/s, under a person's 75/s with typing. */
const FLUSH_MS = 60;

/**
 * @typedef {{ x: number, y: number }} Point
 * @typedef {{ points: Point[], color: string, size: number, eraser: boolean }} Stroke
 */

/**
 * Mounts the board on the page's elements.
 * @param {any} socket The page's socket.io client.
 * @returns {{ enterRoom: (userId: string) => void, userLeft: (userId: string) => void,
 *   leaveRoom: () => void }}
 */
export function mountBoard(socket) {
  const panel = $("board");
  const toggle = /** @type {HTMLButtonElement} */ ($("board-toggle"));
  const canvas = /** @type {HTMLCanvasElement} */ ($("board-canvas"));
  const color = /** @type {HTMLInputElement} */ ($("board-color"));
  const size = /** @type {HTMLInputElement} */ ($("board-size"));
  const eraser = /** @type {HTMLInputElement} */ ($("board-eraser"));
  const log = $("board-log");
  const chatForm = /** @type {HTMLFormElement} */ ($("board-chat-form"));
  const chatInput = /** @type {HTMLInputElement} */ ($("board-chat-input"));
  chatInput.maxLength = MAX_CHAT;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));

  let open = false;
  /** @type {string | null} */
  let me = null;
  /** @type {Stroke[]} */
  let strokes = [];
  /** @type {Map<string, Stroke>} */
  const active = new Map();
  /** The stroke you are drawing, and its points not sent yet. @type {Stroke | null} */
  let mine = null;
  /** @type {Point[]} */
  const pending = [];
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let flushTimer;
  /** The view: world point at the canvas's top left, and pixels per world unit. */
  const view = { x: 0, y: 0, zoom: 1 };
  /** @type {{ x: number, y: number } | null} */
  let panFrom = null;
  let frame = 0;

  // ------------------------------------------------------------ drawing

  function redraw() {
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      const ratio = globalThis.devicePixelRatio || 1;
      const w = canvas.clientWidth;
      const h = canvas.clientHeight;
      if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
        canvas.width = Math.round(w * ratio);
        canvas.height = Math.round(h * ratio);
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.setTransform(
        ratio * view.zoom,
        0,
        0,
        ratio * view.zoom,
        -view.x * ratio * view.zoom,
        -view.y * ratio * view.zoom,
      );
      for (const s of strokes) paint(s);
      for (const s of active.values()) paint(s);
      if (mine) paint(mine);
      canvas.dataset.strokes = String(strokes.length);
    });
  }

  /** @param {Stroke} s */
  function paint(s) {
    if (s.points.length === 0) return;
    ctx.globalCompositeOperation = s.eraser ? "destination-out" : "source-over";
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.size;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(s.points[0].x, s.points[0].y);
    if (s.points.length === 1) ctx.lineTo(s.points[0].x + 0.01, s.points[0].y);
    for (const p of s.points.slice(1)) ctx.lineTo(p.x, p.y);
    ctx.stroke();
    ctx.globalCompositeOperation = "source-over";
  }

  /** @param {Stroke} s */
  function keep(s) {
    if (s.points.length === 0) return;
    strokes.push(s);
    if (strokes.length > MAX_STROKES) strokes.splice(0, strokes.length - MAX_STROKES);
  }

  /** @param {string} id */
  function finish(id) {
    const s = active.get(id);
    if (!s) return;
    active.delete(id);
    keep(s);
  }

  /**
   * The world point under a pointer.
   * @param {PointerEvent | WheelEvent} e
   * @returns {Point}
   */
  function worldOf(e) {
    const r = canvas.getBoundingClientRect();
    return {
      x: Math.round((view.x + (e.clientX - r.left) / view.zoom) * 10) / 10,
      y: Math.round((view.y + (e.clientY - r.top) / view.zoom) * 10) / 10,
    };
  }

  // ------------------------------------------------------------ your strokes

  function flush() {
    while (pending.length > 0) {
      socket.emit("board stroke move", { points: pending.splice(0, MAX_MOVE_POINTS) });
    }
  }

  canvas.addEventListener("pointerdown", (e) => {
    if (!open) return;
    canvas.setPointerCapture(e.pointerId);
    if (e.shiftKey || e.button === 1) {
      panFrom = { x: e.clientX, y: e.clientY };
      return;
    }
    if (e.button !== 0) return;
    e.preventDefault();
    const p = worldOf(e);
    mine = {
      points: [p],
      color: color.value,
      size: Number(size.value),
      eraser: eraser.checked,
    };
    socket.emit("board stroke start", {
      color: mine.color,
      size: mine.size,
      eraser: mine.eraser,
      point: p,
    });
    flushTimer = setInterval(flush, FLUSH_MS);
    redraw();
  });

  canvas.addEventListener("pointermove", (e) => {
    if (panFrom) {
      view.x -= (e.clientX - panFrom.x) / view.zoom;
      view.y -= (e.clientY - panFrom.y) / view.zoom;
      panFrom = { x: e.clientX, y: e.clientY };
      return redraw();
    }
    if (!mine) return;
    const p = worldOf(e);
    const last = mine.points[mine.points.length - 1];
    if (Math.hypot(p.x - last.x, p.y - last.y) * view.zoom < 2) return;
    mine.points.push(p);
    pending.push(p);
    redraw();
  });

  /** Ends your stroke (pointer up, cancelled, or the board closed). */
  function endStroke() {
    panFrom = null;
    if (!mine) return;
    clearInterval(flushTimer);
    flush();
    socket.emit("board stroke end");
    keep(mine);
    mine = null;
    redraw();
  }
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke);

  canvas.addEventListener("wheel", (e) => {
    if (!open) return;
    e.preventDefault();
    zoomAt(worldOf(e), e.deltaY < 0 ? 1.2 : 1 / 1.2);
  }, { passive: false });

  /**
   * Zooms by `factor`, keeping `at` where it is on the screen.
   * @param {Point} at
   * @param {number} factor
   */
  function zoomAt(at, factor) {
    const zoom = Math.min(8, Math.max(0.125, view.zoom * factor));
    view.x = at.x - (at.x - view.x) * (view.zoom / zoom);
    view.y = at.y - (at.y - view.y) * (view.zoom / zoom);
    view.zoom = zoom;
    redraw();
  }

  const centre = () => ({
    x: view.x + canvas.clientWidth / 2 / view.zoom,
    y: view.y + canvas.clientHeight / 2 / view.zoom,
  });
  $("board-zoom-in").addEventListener("click", () => zoomAt(centre(), 1.25));
  $("board-zoom-out").addEventListener("click", () => zoomAt(centre(), 0.8));
  $("board-home").addEventListener("click", () => {
    Object.assign(view, { x: 0, y: 0, zoom: 1 });
    redraw();
  });
  $("board-clear").addEventListener("click", () => socket.emit("board clear"));

  // ------------------------------------------------------------ chat

  /** @param {string} who @param {string} text */
  function say(who, text) {
    const item = el("li", "", "");
    item.append(el("strong", "", who + ": "), text);
    log.append(item);
    while (log.children.length > 100) log.firstElementChild?.remove();
    log.scrollTop = log.scrollHeight;
  }

  chatForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = chatInput.value.trim();
    if (text === "") return;
    socket.emit("board chat", { text });
    chatInput.value = "";
  });

  // ------------------------------------------------------------ open / close

  /** @param {boolean} on */
  function setOpen(on) {
    if (on === open) return;
    if (!on) endStroke();
    open = on;
    panel.hidden = !on;
    toggle.textContent = on ? "Close board" : "Open board";
    toggle.setAttribute("aria-expanded", String(on));
    strokes = [];
    active.clear();
    if (on) {
      socket.emit("board open");
      redraw();
    } else if (me) socket.emit("board close");
  }

  toggle.addEventListener("click", () => setOpen(!open));

  // ------------------------------------------------------------ the server's events

  socket.on("board state", (/** @type {any} */ p) => {
    if (!open || !p || !Array.isArray(p.strokes)) return;
    strokes = p.strokes.slice(-MAX_STROKES);
    active.clear();
    for (const [id, s] of Object.entries(p.active ?? {})) active.set(id, /** @type {Stroke} */ (s));
    redraw();
  });
  socket.on("board stroke start", (/** @type {any} */ p) => {
    if (!p || !p.point) return;
    finish(p.userId);
    active.set(p.userId, {
      points: [p.point],
      color: p.color,
      size: p.size,
      eraser: !!p.eraser,
    });
    redraw();
  });
  socket.on("board stroke move", (/** @type {any} */ p) => {
    const s = p && active.get(p.userId);
    if (!s || !Array.isArray(p.points)) return;
    s.points.push(...p.points);
    redraw();
  });
  socket.on("board stroke end", (/** @type {any} */ p) => {
    if (p) finish(p.userId);
    redraw();
  });
  socket.on("board user status", (/** @type {any} */ p) => {
    if (p && !p.open) finish(p.userId);
    redraw();
  });
  socket.on("board clear", () => {
    strokes = [];
    active.clear();
    redraw();
  });
  socket.on("board chat", (/** @type {any} */ p) => {
    if (p && typeof p.text === "string") say(String(p.username), p.text);
  });
  new ResizeObserver(() => redraw()).observe(canvas);

  return {
    enterRoom(userId) {
      me = userId;
      toggle.hidden = false;
    },
    userLeft(userId) {
      // The server finalises a leaver's stroke without an event (§6.4).
      finish(userId);
      redraw();
    },
    leaveRoom() {
      me = null;
      setOpen(false);
      log.replaceChildren();
      toggle.hidden = true;
    },
  };
}
