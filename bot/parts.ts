/**
 * The wiring of the {@linkcode Bot}'s parts: each part gets the few functions
 * it uses (its ports), in one block per part, in the order of the flow: the
 * event bus, the way in (which owns the state), the way out, the actions, the
 * placement, the link, commands, schedules and the board.
 *
 * @module
 */

import type { Bot } from "./bot.ts";
import { Actions } from "./out/actions.ts";
import { answerWith } from "./commands/answers.ts";
import { Dispatch } from "./commands/dispatch.ts";
import { Schedules } from "./commands/schedule.ts";
import { contextOf } from "./context.ts";
import { Handlers } from "./handlers.ts";
import { Hooks } from "./hooks.ts";
import { Inbound } from "./in/inbound.ts";
import { LineWatcher } from "./in/lines.ts";
import type { BotState } from "./in/state.ts";
import { Link } from "./link/link.ts";
import { Placement } from "./link/placement.ts";
import type { ResolvedBotOptions } from "./options.ts";
import type { Board } from "./board/board.ts";
import { createBoard } from "./board/link.ts";
import { Outbox } from "./out/outbox.ts";
import { EventBudget } from "./out/pacer.ts";

/** The parts the facade calls. */
export interface Parts {
  readonly handlers: Handlers;
  readonly state: BotState;
  readonly actions: Actions;
  readonly dispatch: Dispatch;
  readonly schedules: Schedules;
  readonly placement: Placement;
  readonly link: Link;
  readonly board: Board;
  readonly hooks: Hooks;
}

/** Builds and wires the parts of `bot`. */
export function wireParts(bot: Bot, o: ResolvedBotOptions, token: string | undefined): Parts {
  // Each part gets functions (ports), not its neighbours. A port may call a part built
  // further down: nothing calls a port while the bot is being built.
  const stop = new AbortController();
  const report = (error: unknown) => handlers.report(error);
  const background = (work: Promise<unknown>) => void work.catch(report);
  // The plugins' hooks (bot.hook()): where answers and questions show, what stop() awaits.
  const hooks = new Hooks();
  const answer = answerWith(
    () => hooks.newest("answer"),
    (text, options) => bot.send(text, options),
  );
  const context = <T extends object>(data: T) => contextOf(bot, answer, data);
  const budget = new EventBudget({
    limit: o.pacing.eventsPerWindow,
    windowMs: o.pacing.eventWindowMs,
    clock: o.clock,
  });

  // The user's event bus.
  const handlers: Handlers = new Handlers(
    context,
    answer,
    o.logger,
    () => bot.stopped,
  );

  // The way in: wire event → validate → state (it owns the state) → events, lines.
  const inbound: Inbound = new Inbound({
    options: o,
    handlers,
    lines: {
      baseline: (id, text) => lines.baseline(id, text),
      update: (id, text) => lines.update(id, text),
      forget: (id) => lines.forget(id),
      clear: () => lines.clear(),
    },
    outbox: {
      inbound: (event, payload) => outbox.inbound(event, payload),
      resetText: () => outbox.resetText(),
    },
    block: (ms) => budget.block(ms),
    cancelTyping: () => actions.cancelTyping(),
    afkResponse: () => actions.afkResponse(),
    placement: {
      lobbyChanged: () => placement.lobbyChanged(),
      left: (reason) => placement.left(reason),
    },
    board: {
      receive: (event, payload) => board.receive(event, payload),
      userLeft: (user) => board.userLeft(user),
      reset: () => board.reset(),
    },
    asks: {
      userLeft: (id) => dispatch.userLeft(id),
      roomLeft: (reason) => dispatch.roomLeft(reason),
    },
    background,
  });
  const state = inbound.state;

  // The way out: one emission at a time, paced, only while its action lives.
  const outbox: Outbox = new Outbox(
    {
      emit: (event, payload) => link.emit(event, payload),
      unclaimed: (failure, late) => inbound.unclaimed(failure, late),
      chatSent: (text) => {
        state.setOwnText(text);
        placement.shown(text);
      },
    },
    budget,
    o.pacing.sendIntervalMs,
    o.clock,
  );

  // The actions: checked, then through the outbox.
  const actions: Actions = new Actions({
    options: o,
    state,
    outbox,
    budget,
    connection: () => link.connection,
    ready: () => link.ready,
    stopSignal: stop.signal,
    intend: (text) => placement.intend(text),
    withdraw: () => placement.withdraw(),
  });

  // The placement: the room the program wants to be in.
  const placement: Placement = new Placement({
    createRoom: (spec) => actions.createRoom(spec),
    joinRoom: (id, options) => actions.joinRoom(id, options),
    createdSpec: (id) => actions.created.get(id),
    isMember: (id) => actions.isMember(id),
    rooms: () => state.rooms,
    roomId: () => state.room?.id,
    removed: () => state.leaveRoom("removed"),
    report,
    clock: o.clock,
    warn: (message) => o.logger.warn(message),
    debug: (message) => o.debug && o.logger.debug(message),
    connected: () => link.ready,
    verifyAfterMs: o.reconnect === false ? 0 : o.reconnect.verifyAfterMs,
    resend: (text) => background(actions.send(text)),
  }, o.room);

  // The link: connect, sign in, come back, stay in the room.
  const link: Link = new Link(
    {
      options: o,
      myId: () => state.me?.id,
      onWire: (event, args) => inbound.receive(event, args),
      newSocket: () => {
        budget.reset(); // the server's budget is per socket
        outbox.connected();
      },
      probe: () => outbox.probe(),
      signIn: () => actions.signIn(),
      newSession: () => actions.newSession(),
      place: () => placement.ensure(),
      retryPlace: () => placement.retry(),
      cancelPlace: () => placement.cancel(),
      dropRoom: () => state.leaveRoom("disconnected"),
      ready: (me) => {
        schedules.connection(true);
        handlers.emit("ready", { me });
      },
      reconnected: (attempt, me) => {
        schedules.connection(true);
        handlers.emit("reconnected", { attempt, me });
      },
      disconnected: (reason, willReconnect) => {
        schedules.connection(false);
        handlers.emit("disconnected", { reason, willReconnect });
      },
      report,
    },
    token,
    stop,
  );

  // Commands: lines → parser → middleware → handler; questions.
  const dispatch: Dispatch = new Dispatch({
    options: o,
    handlers,
    roomUser: (id) => state.room?.users.get(id),
    context,
    answer,
    questionHook: () => hooks.newest("question"),
    stopSignal: stop.signal,
  });
  handlers.setMessageChain(dispatch.messageChain());
  const lines: LineWatcher = new LineWatcher({
    idleMs: o.commandIdleMs,
    clock: o.clock,
    ...dispatch.lineOptions(),
  });

  // Schedules: tasks that run while connected.
  const schedules: Schedules = new Schedules({
    connected: () => link.ready,
    stopSignal: stop.signal,
    report,
    context: () => context({}),
    clock: o.clock,
  });

  // The board.
  const board: Board = createBoard({
    options: o,
    handlers,
    state,
    outbox,
    life: (action, context, options, defaultMs) =>
      actions.life(action, context, options, defaultMs),
    runBoardLine: (user, line, show) => dispatch.runBoardLine(user, line, show),
  });

  return { handlers, state, actions, dispatch, schedules, placement, link, board, hooks };
}
