// Text rules of the real server: sanitisation (docs/protocol.md §7.4), the field
// validation messages of `join lobby` / `create room` (§4.2, §4.5), the word
// filter and the static JSON documents. The limits and formats are the
// protocol's own (schemas/limits.gen.ts, schemas/checks.ts).

import type { WordFilterOptions } from "./_options.ts";
import { isAccessCode, isLayout, isRoomType } from "../schemas/checks.ts";
import {
  MAX_LOCATION_LENGTH,
  MAX_ROOM_NAME_LENGTH,
  MAX_USERNAME_LENGTH,
} from "../schemas/limits.gen.ts";

// Sanitisation is one shared implementation of §7.4 (the bot mirrors it).
export { sanitizeChat, sanitizeName } from "../schemas/text.ts";

/** Field errors of a `join lobby` payload (raw values). */
export function validateSignin(data: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  const { username, location } = data;
  if (typeof username !== "string" || username === "") {
    errors.username = "Username is required and must be a string.";
  } else if (username.trim() === "") errors.username = "Username cannot be empty.";
  else if (username.length > MAX_USERNAME_LENGTH) {
    errors.username = `Username must be at most ${MAX_USERNAME_LENGTH} characters.`;
  }
  if (location) {
    if (typeof location !== "string") errors.location = "Location must be a string.";
    else if (location.length > MAX_LOCATION_LENGTH) {
      errors.location = `Location must be at most ${MAX_LOCATION_LENGTH} characters.`;
    }
  }
  return errors;
}

/** Field errors of a `create room` payload (raw values). */
export function validateRoom(data: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  const { name, type, layout, accessCode } = data;
  if (typeof name !== "string" || name === "") {
    errors.name = "Room name is required and must be a string.";
  } else if (name.trim() === "") errors.name = "Room name cannot be empty.";
  else if (name.length > MAX_ROOM_NAME_LENGTH) {
    errors.name = `Room name must be at most ${MAX_ROOM_NAME_LENGTH} characters.`;
  }
  if (!type) errors.type = "Room type is required.";
  else if (!isRoomType(type)) {
    errors.type = "Room type must be public, semi-private, or private.";
  }
  if (!layout) errors.layout = "Room layout is required.";
  else if (!isLayout(layout)) {
    errors.layout = "Room layout must be horizontal or vertical.";
  }
  if (type === "semi-private") {
    if (!accessCode) errors.accessCode = "Access code is required for semi-private rooms.";
    else if (!isAccessCode(accessCode)) errors.accessCode = "Access code must be a 6-digit number.";
  }
  return errors;
}

/** Obfuscation mapping used by the filter (served at /js/character_substitutions.json). */
export const CHARACTER_SUBSTITUTIONS: Readonly<Record<string, string>> = Object.freeze({
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "8": "b",
  "9": "g",
  "@": "a",
  "$": "s",
  "!": "i",
  "|": "l",
  "+": "t",
});

/**
 * The word filter: the text is lower-cased, obfuscation characters are mapped
 * back to letters and everything that is not a letter is dropped; the text is
 * forbidden when an offensive word occurs anywhere in it (substring match, hence
 * the real server's false positives), unless every occurrence lies inside a
 * whitelisted word that occurs in the same normalised text.
 */
export class WordFilter {
  #offensive: string[];
  #whitelist: string[];

  constructor(lists: WordFilterOptions) {
    this.#offensive = lists.offensiveWords.map((w) => normalize(w)).filter((w) => w !== "");
    this.#whitelist = lists.whitelistedWords.map((w) => normalize(w)).filter((w) => w !== "");
  }

  /** True when the text contains an offensive word. */
  isForbidden(text: string): boolean {
    const norm = normalize(text);
    if (norm === "") return false;
    const excused: boolean[] = new Array(norm.length).fill(false);
    for (const white of this.#whitelist) {
      for (let i = norm.indexOf(white); i !== -1; i = norm.indexOf(white, i + 1)) {
        for (let j = i; j < i + white.length; j++) excused[j] = true;
      }
    }
    for (const bad of this.#offensive) {
      for (let i = norm.indexOf(bad); i !== -1; i = norm.indexOf(bad, i + 1)) {
        for (let j = i; j < i + bad.length; j++) {
          if (!excused[j]) return true;
        }
      }
    }
    return false;
  }
}

function normalize(text: string): string {
  let out = "";
  for (const ch of text.toLowerCase()) {
    const mapped = CHARACTER_SUBSTITUTIONS[ch] ?? ch;
    if (/\p{L}/u.test(mapped)) out += mapped;
  }
  return out;
}

const EMOTE_STEMS = [
  "smile",
  "grin",
  "wink",
  "laugh",
  "cry",
  "sad",
  "angry",
  "cool",
  "heart",
  "star",
  "wave",
  "clap",
  "thumbsup",
  "thumbsdown",
  "party",
  "think",
  "shrug",
  "sleep",
  "yawn",
  "wow",
  "blush",
  "kiss",
  "hug",
  "facepalm",
  "dance",
  "music",
  "coffee",
  "tea",
  "pizza",
  "cake",
  "sun",
  "moon",
  "rain",
  "snow",
  "fire",
  "ghost",
  "robot",
  "alien",
  "cat",
  "dog",
  "fox",
  "owl",
  "frog",
  "fish",
  "bee",
  "rocket",
  "tada",
  "eyes",
  "ok",
  "peace",
  "nerd",
  "sweat",
  "tongue",
  "halo",
  "devil",
  "skull",
  "poop",
  "clown",
  "zany",
  "hmm",
];

/** Our own emote list: 115 entries, code -> `/images/emoticons/<code>.png`. */
export function emojiList(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const stem of EMOTE_STEMS) out[stem] = `/images/emoticons/${stem}.png`;
  for (const stem of EMOTE_STEMS.slice(0, 115 - EMOTE_STEMS.length)) {
    out[`${stem}2`] = `/images/emoticons/${stem}2.png`;
  }
  return out;
}
