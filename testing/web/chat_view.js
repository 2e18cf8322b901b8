// @ts-check
/// <reference lib="dom" />
// The chat page's elements, built from data: the lobby's room cards, one box
// per person in a room, and the keyed lists that hold them. No state, no
// socket: chat.js says what to show and what a click does.
//
// Part of the chat page (testing/web/chat.js); after editing, run `deno task codegen`.

import { MAX_TEXT } from "./chat_text.js";

/** People per room (§8.4), from schemas/limits.gen.ts (written in by codegen/page.ts). */
const ROOM_CAPACITY = Number("{{ROOM_CAPACITY}}");

/**
 * @typedef {{ id: string, username: string, location: string }} User
 * @typedef {{ id: string, name: string, type: string, layout: string, isFull: boolean,
 *   userCount: number, users: User[] }} LobbyRoom
 * @typedef {{ el: HTMLElement, who: HTMLElement, where: HTMLElement, typing: HTMLElement,
 *   votes: HTMLElement, kick: HTMLButtonElement | null, kickName: HTMLElement | null,
 *   text: HTMLTextAreaElement }} Box
 */

/**
 * The element with that id.
 * @param {string} id
 * @returns {HTMLElement}
 */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * A new element with a class and text.
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElement}
 */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Makes `container`'s children the views of `items`, in order: one view per
 * key, made once and updated in place; the views of items that are gone are
 * removed. Moving a view keeps the focus inside it.
 * @template T, V
 * @param {HTMLElement} container
 * @param {T[]} items
 * @param {Map<string, V>} views
 * @param {{ key: (item: T) => string, make: (item: T) => V, update: (view: V, item: T) => void,
 *   element: (view: V) => HTMLElement }} how
 */
export function reconcile(container, items, views, how) {
  const seen = new Set();
  items.forEach((item, i) => {
    const key = how.key(item);
    seen.add(key);
    let view = views.get(key);
    if (view === undefined) {
      view = how.make(item);
      views.set(key, view);
    }
    how.update(view, item);
    const node = how.element(view);
    if (container.children[i] !== node) {
      const focused = document.activeElement;
      container.insertBefore(node, container.children[i] ?? null);
      if (focused instanceof HTMLElement && node.contains(focused)) focused.focus();
    }
  });
  for (const [key, view] of views) {
    if (!seen.has(key)) {
      how.element(view).remove();
      views.delete(key);
    }
  }
}

/**
 * A lobby entry: name, type, layout, people, free seats and its join button.
 * @param {() => void} onJoin What the join button does.
 * @returns {HTMLElement}
 */
export function roomCard(onJoin) {
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
  button.addEventListener("click", onJoin);
  card.append(title, seats, people, button);
  return card;
}

/**
 * @param {HTMLElement} card
 * @param {LobbyRoom} r
 */
export function updateRoomCard(card, r) {
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
 * One person's box: name, location, typing and vote state, their text.
 * Yours is the text area labelled "Your text", which calls `onInput`; the
 * others are read-only, labelled with the person's name, and have a vote
 * button that calls `onVote`.
 * @param {User} user
 * @param {{ mine: boolean, text: string, onInput: () => void, onVote: () => void }} options
 * @returns {Box}
 */
export function makeBox(user, options) {
  const { mine } = options;
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
    kick.addEventListener("click", options.onVote);
    head.append(kick);
  }
  const text = /** @type {HTMLTextAreaElement} */ (el("textarea"));
  text.spellcheck = false;
  if (mine) {
    text.setAttribute("aria-label", "Your text");
    text.maxLength = MAX_TEXT;
    text.placeholder = "Type here. Everyone sees it as you type; Enter starts a new line.";
    text.addEventListener("input", options.onInput);
  } else {
    text.readOnly = true;
    text.value = options.text;
  }
  box.append(head, text);
  return { el: box, who, where, typing, votes, kick, kickName, text };
}

/**
 * Shows a person's name, location and the votes against them in their box.
 * @param {Box} box
 * @param {User} user
 * @param {{ mine: boolean, against: number, myVote: boolean }} state
 */
export function updateBox(box, user, state) {
  box.who.textContent = user.username + (state.mine ? " (you)" : "");
  box.where.textContent = user.location;
  if (!state.mine) box.text.setAttribute("aria-label", user.username);
  box.votes.textContent = state.against === 0
    ? ""
    : state.against === 1
    ? "1 vote to kick"
    : state.against + " votes to kick";
  if (box.kick && box.kickName) {
    box.kickName.textContent = " " + user.username;
    box.kick.setAttribute("aria-pressed", String(state.myVote));
  }
}
