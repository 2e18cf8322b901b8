// Sessions (`connect.sid`, express-session semantics) and bot tokens.

import { Buffer } from "node:buffer";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** What the real server keeps in a session. */
export interface SessionData {
  username?: string;
  location?: string;
  userId?: string;
  isIPBased?: boolean;
  currentRoom?: string | null;
  validatedRooms: Record<string, string>;
}

/** A session id plus its data. */
export interface Session {
  id: string;
  data: SessionData;
}

/** True when the session is signed in (§2.2). */
export function isSignedIn(data: SessionData): boolean {
  return !!(data.username && data.location && data.userId);
}

/** In-memory session store with signed cookies. */
export class SessionStore {
  #secret: string;
  #maxAgeMs: number;
  #store = new Map<string, string>();

  constructor(secret: string | undefined, maxAgeMs: number) {
    this.#secret = secret ?? randomBytes(32).toString("hex");
    this.#maxAgeMs = maxAgeMs;
  }

  /** A new unsaved session with a 32-character id over [A-Za-z0-9_-]. */
  create(): Session {
    return { id: randomBytes(24).toString("base64url"), data: { validatedRooms: {} } };
  }

  /** Loads a copy of a stored session by id. */
  load(id: string): Session | undefined {
    const raw = this.#store.get(id);
    return raw === undefined ? undefined : { id, data: JSON.parse(raw) };
  }

  /** Saves a copy of the session; returns whether the stored value changed. */
  save(session: Session): boolean {
    const raw = JSON.stringify(session.data);
    const changed = this.#store.get(session.id) !== raw;
    this.#store.set(session.id, raw);
    return changed;
  }

  /** Serialised form, to detect modifications. */
  hash(session: Session): string {
    return JSON.stringify(session.data);
  }

  /** True when a session with this id is stored. */
  has(id: string): boolean {
    return this.#store.has(id);
  }

  /** Number of stored sessions. */
  get size(): number {
    return this.#store.size;
  }

  /** Reads the session id from a Cookie header, when signed by this store. */
  idFromCookieHeader(header: string | undefined): string | undefined {
    if (!header) return undefined;
    for (const part of header.split(";")) {
      const eq = part.indexOf("=");
      if (eq === -1 || part.slice(0, eq).trim() !== "connect.sid") continue;
      let value: string;
      try {
        value = decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
      if (!value.startsWith("s:")) return undefined;
      const dot = value.lastIndexOf(".");
      if (dot === -1) return undefined;
      const id = value.slice(2, dot);
      const expected = Buffer.from(this.#sign(id));
      const given = Buffer.from(value.slice(dot + 1));
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      return id;
    }
    return undefined;
  }

  /** The Set-Cookie header value for a session id. */
  setCookieHeader(id: string): string {
    const value = encodeURIComponent(`s:${id}.${this.#sign(id)}`);
    const expires = new Date(Date.now() + this.#maxAgeMs).toUTCString();
    return `connect.sid=${value}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax`;
  }

  /** A complete `connect.sid=...` cookie pair for a session id (tests). */
  cookieFor(id: string): string {
    return `connect.sid=${encodeURIComponent(`s:${id}.${this.#sign(id)}`)}`;
  }

  #sign(id: string): string {
    return createHmac("sha256", this.#secret).update(id).digest("base64").replace(/=+$/, "");
  }
}

/** A bot token record. */
export interface TokenRecord {
  token: string;
  ip: string;
  createdAt: number;
  lastUsed: number;
  expiresAt: number;
  uses: number;
}

/** In-memory bot tokens. */
export class TokenStore {
  #tokens = new Map<string, TokenRecord>();
  #expiryMs: number;

  constructor(expiryMs: number) {
    this.#expiryMs = expiryMs;
  }

  /** Issues a new token for an IP. */
  issue(ip: string, now: number = Date.now()): TokenRecord {
    const token = `tk_${randomBytes(32).toString("hex")}`;
    const rec = {
      token,
      ip,
      createdAt: now,
      lastUsed: now,
      expiresAt: now + this.#expiryMs,
      uses: 0,
    };
    this.#tokens.set(token, rec);
    return rec;
  }

  /** The live record of a token, or undefined when unknown, expired or malformed. */
  get(token: unknown, now: number = Date.now()): TokenRecord | undefined {
    if (typeof token !== "string" || !token.startsWith("tk_")) return undefined;
    const rec = this.#tokens.get(token);
    if (!rec) return undefined;
    if (rec.expiresAt <= now) {
      this.#tokens.delete(token);
      return undefined;
    }
    return rec;
  }

  /** Removes a token; returns whether it existed. */
  revoke(token: string): boolean {
    return this.#tokens.delete(token);
  }

  /** Number of live tokens issued to an IP. */
  countForIp(ip: string, now: number = Date.now()): number {
    let n = 0;
    for (const rec of this.#tokens.values()) if (rec.ip === ip && rec.expiresAt > now) n++;
    return n;
  }

  /** Number of live tokens. */
  active(now: number = Date.now()): number {
    let n = 0;
    for (const rec of this.#tokens.values()) if (rec.expiresAt > now) n++;
    return n;
  }
}
