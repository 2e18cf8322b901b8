// What a TestUser knows: every event it received, in order, the room's texts as
// it sees them, and who and where it is; and the waiting for events.

/** One event received by a TestUser. */
export interface RecordedEvent {
  /** Event name. */
  name: string;
  /** Payload arguments. */
  args: unknown[];
  /** Receive time (ms epoch). */
  at: number;
}

/** Options of a wait: `timeoutMs`, `since` an index into the events. */
export interface WaitOptions {
  timeoutMs?: number;
  since?: number;
}

interface Waiter {
  from: number;
  match: (e: RecordedEvent) => boolean;
  resolve: (e: RecordedEvent) => void;
}

/** The record of one TestUser's socket. */
export class Recorder {
  /** Everything received, in order. */
  readonly events: RecordedEvent[] = [];
  /** Current text of every user in the room (own text included). */
  readonly texts: Record<string, string> = {};
  /** The user id once signed in or joined. */
  userId: string | undefined;
  /** The room the user is in, or null. */
  roomId: string | null = null;
  /** The user's own text, as the server holds it. */
  text = "";
  #timeout: number;
  #waiters = new Set<Waiter>();

  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  /** Records an event, follows the state it reports, and wakes the waiters it matches. */
  record(name: string, args: unknown[]): void {
    const e = { name, args, at: Date.now() };
    this.events.push(e);
    const p = args[0] as Record<string, unknown> | undefined;
    if (name === "signin status" && typeof p?.userId === "string") this.userId = p.userId;
    if (name === "room joined" && p) {
      this.userId = p.userId as string;
      this.roomId = p.roomId as string;
      this.#setTexts(p.currentMessages);
      this.text = this.texts[this.userId] ?? "";
    }
    if ((name === "room update") && p && p.id === this.roomId) this.#setTexts(p.currentMessages);
    if (name === "chat update" && p) {
      this.texts[p.userId as string] = (p.diff as { text: string }).text;
    }
    if (name === "user left" && args[0] === this.userId) this.roomId = null;
    if (name === "disconnect") this.roomId = null;
    const index = this.events.length - 1;
    for (const w of [...this.#waiters]) {
      if (index >= w.from && w.match(e)) {
        this.#waiters.delete(w);
        w.resolve(e);
      }
    }
  }

  #setTexts(messages: unknown): void {
    if (!messages || typeof messages !== "object") return;
    for (const key of Object.keys(this.texts)) delete this.texts[key];
    Object.assign(this.texts, messages);
  }

  /**
   * The first event named in `names` whose first argument satisfies
   * `predicate`, received from `since` on (default: from now on).
   */
  waitAny(
    names: string[],
    predicate: (p: unknown) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<RecordedEvent> {
    const from = options.since ?? this.events.length;
    const timeout = options.timeoutMs ?? this.#timeout;
    const match = (e: RecordedEvent) => names.includes(e.name) && predicate(e.args[0]);
    const found = this.events.slice(from).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const w: Waiter = { from, match, resolve: (e) => (clearTimeout(timer), resolve(e)) };
      const timer = setTimeout(() => {
        this.#waiters.delete(w);
        reject(
          new Error(
            `Timed out after ${timeout} ms waiting for ${names.map((n) => `"${n}"`).join(" or ")}`,
          ),
        );
      }, timeout);
      this.#waiters.add(w);
    });
  }

  /** Ends every wait with a `closed` event. */
  release(): void {
    for (const w of this.#waiters) w.resolve({ name: "closed", args: [], at: Date.now() });
    this.#waiters.clear();
  }
}
