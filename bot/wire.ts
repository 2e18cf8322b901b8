/**
 * The typed wire, as the parts speak it: a client event goes out with the
 * payload the generated table gives it, and a server event comes in as a
 * typed pair whose name narrows the payload (`schemas/events.gen.ts`).
 *
 * @module
 */

import type {
  ClientEventName,
  ClientEvents,
  ServerEventName,
  ServerEvents,
} from "../schemas/events.gen.ts";

/**
 * A validated server event and its payload as one typed pair: checking the
 * name narrows the payload (`(event, p) => event === "room joined" && p.roomId`).
 */
export type ServerMessage = {
  [E in ServerEventName]: [event: E, payload: ServerEvents[E]];
}[ServerEventName];

/** Emits one client event with the payload the event table gives it. */
export type Emit = <K extends ClientEventName>(event: K, payload: ClientEvents[K]) => void;
