/**
 * The model: the friendly types every part and every handler speaks (who a
 * user is, who the bot is, a room in the lobby, the bot's room). The way in
 * (`in/state.ts`) builds them from the wire shapes; nothing else does.
 *
 * @module
 */

/** A user id (the server's session id). */
export type UserId = string;
/** A room id: 6 digits, as a string. */
export type RoomId = string;
/** Who may find and join a room. */
export type RoomType = "public" | "semi-private" | "private";
/** How the room shows its boxes. */
export type RoomLayout = "horizontal" | "vertical";

/** A person (or bot) as the bot sees them. */
export interface User {
  /** Their id; it changes when they come back without their session cookie. */
  readonly id: UserId;
  /** Their name (at most 15 characters). */
  readonly name: string;
  /** Their location (at most 20 characters). */
  readonly location: string;
  /** A Talkomatic developer. */
  readonly isDev: boolean;
  /** A developer's colour (`#rrggbb`). */
  readonly devColor?: string;
}

/** The bot itself. */
export interface Me {
  /** The bot's user id. */
  readonly id: UserId;
  /** Its name. */
  readonly name: string;
  /** Its location. */
  readonly location: string;
  /** Whether the server treats it as a bot (token). */
  readonly isBot: boolean;
}

/** A room as the lobby lists it (public and semi-private rooms). */
export interface LobbyRoom {
  /** The room id. */
  readonly id: RoomId;
  /** Its name. */
  readonly name: string;
  /** Listed rooms are public or semi-private. */
  readonly type: "public" | "semi-private";
  /** Its layout. */
  readonly layout: RoomLayout;
  /** 5 people are in it. */
  readonly isFull: boolean;
  /** How many people are in it. */
  readonly userCount: number;
  /** Who is in it. */
  readonly users: readonly User[];
  /** Last chat activity, absent when nobody typed yet. */
  readonly lastChatActivity?: Date;
  /** When it was created. */
  readonly createdAt: Date;
}

/** The bot's room, as a frozen view. */
export interface Room {
  /** The room id. */
  readonly id: RoomId;
  /** Its name. */
  readonly name: string;
  /** Its type. */
  readonly type: RoomType;
  /** Its layout. */
  readonly layout: RoomLayout;
  /** Who is in it, the bot included, in order of arrival. */
  readonly users: readonly User[];
  /** Kick votes, target → voters. */
  readonly votes: ReadonlyMap<UserId, readonly UserId[]>;
  /** Every user's text, the bot's included. */
  readonly texts: ReadonlyMap<UserId, string>;
  /** 5 people are in it. */
  readonly isFull: boolean;
  /** How many people are in it. */
  readonly userCount: number;
}

/** Why the bot is no longer in its room. */
export type RoomLeftReason = "left" | "kicked" | "afk" | "closed" | "removed" | "disconnected";

/** Why another user is no longer in the bot's room. */
export type UserLeftReason = "left" | "kicked" | "vanished";
