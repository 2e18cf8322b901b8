/**
 * Middleware and modules. A {@linkcode Composer} is a tree: its middleware,
 * its commands, its `message` handlers and the composers mounted in it. The
 * bot holds the root, so `bot.command()` and `composer.command()` are the
 * same thing, and `/help` lists the commands of the whole tree.
 *
 * A composer's middleware runs around every handler of that composer and of
 * the composers mounted in it, once per command line or `message`, in the
 * order added; not calling `next()` ends the chain there.
 *
 * @module
 */

import type { CommandContext } from "./events.ts";
import {
  type CommandBuilder,
  type CommandDefinition,
  type CommandInfo,
  CommandRegistry,
} from "./commands.ts";
import type { EventContext } from "./events.ts";

/** Runs the rest of the chain; resolves when it finished. */
export type NextFunction = () => Promise<void>;

/**
 * What middleware sees: a command about to run (`ctx.command`, `ctx.args`,
 * `ctx.line`), a `message` (`ctx.text`, `ctx.previous`) or a finished `line`
 * (`ctx.line`). All have `user`, `bot`, `room` and `reply`. Narrow with
 * `"command" in ctx` and `"text" in ctx`.
 */
export type MiddlewareContext =
  | (CommandContext & CommandInfo<Readonly<Record<string, unknown>>>)
  | EventContext<"message">
  | EventContext<"line">;

/**
 * A middleware: gets the context and `next`, which runs the rest of the chain
 * (the next middleware, at the end the handler). Not calling `next()` ends the
 * chain: the handler does not run.
 *
 * @example
 * ```ts
 * import type { Middleware } from "@talkomatic/talkomatic/bot";
 *
 * const timing: Middleware = async (ctx, next) => {
 *   const start = Date.now();
 *   await next();
 *   console.log(ctx.user.name, Date.now() - start, "ms");
 * };
 * ```
 */
export type Middleware<C extends object = MiddlewareContext> = (
  ctx: C,
  next: NextFunction,
) => unknown;

/**
 * A middleware that adds `X` to the context of the handlers after it, as
 * `session()` adds `session`. `use()` returns the bot (or composer) with its
 * handlers' context widened by `X`. `"~extends"` is never set: it only
 * carries the type.
 */
export type ExtendingMiddleware<X extends object> = Middleware & { readonly "~extends"?: X };

/**
 * What `use()` asks for in place of a composer whose handlers need context
 * the bot (or parent composer) does not give: the type error names the fix.
 * Never a value.
 */
export interface MissingContext<N> {
  /** A composer's methods (so that the type error explains this type). */
  readonly use: unknown;
  /** A composer's methods. */
  readonly command: unknown;
  /** A composer's methods. */
  readonly on: unknown;
  /** A composer's methods. */
  readonly filter: unknown;
  /** The context the composer needs (`ctx.session` comes from `session()`). */
  readonly "Mount this composer after the middleware that gives its context, e.g. bot.use(session({ initial })) for ctx.session":
    N;
}

type Step = (ctx: object, next: NextFunction) => unknown;
type Handler = (ctx: object) => unknown;
type Predicate = (ctx: object) => boolean;

/** One composer's parts, read by the functions below and by the bot. */
interface Node {
  readonly middleware: Step[];
  readonly children: Node[];
  readonly messages: Handler[];
  readonly lines: Handler[];
  readonly commands: CommandRegistry<unknown>;
  predicate: Predicate | undefined;
  parent: Node | undefined;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

let nodeOf: (composer: object) => Node;

/**
 * A module of a bot: middleware, commands and `message` handlers, mounted
 * with `bot.use(composer)`. Its commands appear in `/help`; its middleware
 * runs around its own handlers (and those of the composers mounted in it).
 * `C` is what its handlers' context has beyond the bot's (e.g.
 * `SessionFlavor<Notes>` when the bot uses `session()`). A composer belongs
 * to one parent.
 *
 * @example
 * ```ts
 * import { Bot, Composer } from "@talkomatic/talkomatic/bot";
 *
 * const greetings = new Composer();
 * greetings.command("hi").handle((ctx) => ctx.reply(`Hi, ${ctx.user.name}!`));
 * greetings.on("message", (ctx) => console.log(ctx.user.name, ctx.text));
 *
 * const bot = new Bot({ username: "Greeter" });
 * bot.use(greetings);
 * ```
 */
export class Composer<C extends object = Record<never, never>> {
  readonly #node: Node;

  static {
    nodeOf = (composer) => (composer as Composer).#node;
  }

  /** Creates an empty composer. */
  constructor() {
    this.#node = newNode();
  }

  /**
   * Adds middleware, or mounts composers. Middleware runs, in the order
   * added, around every command and `message` handler of this composer and
   * of the composers mounted in it.
   *
   * @param middleware Functions `(ctx, next) => unknown`, or composers (whose
   * context this one must have).
   * @returns This composer; its context widened by what the middleware adds.
   * @throws {TypeError} For something that is neither, or a composer mounted elsewhere.
   * @example
   * ```ts
   * import { Composer } from "@talkomatic/talkomatic/bot";
   *
   * const admin = new Composer()
   *   .use((ctx, next) => ctx.user.name === "Ann" ? next() : undefined);
   * admin.command("shutdown").handle((ctx) => ctx.bot.stop());
   * ```
   */
  use<X extends object = Record<never, never>, N extends object = Record<never, never>>(
    ...middleware: (
      | (Middleware<MiddlewareContext & C> & { readonly "~extends"?: X })
      | (C extends N ? Composer<N> : MissingContext<N>)
    )[]
  ): Composer<C & X> {
    addTo(this.#node, middleware);
    return this as unknown as Composer<C & X>;
  }

  /**
   * Creates a command of this composer; `/help` lists it once the composer
   * is mounted. Names are unique across the bot's composers.
   *
   * @param name Letters, digits, `_` or `-`.
   * @returns A builder: `.description()`, `.alias()`, `.param()`, `.hidden()`,
   * `.requireEnter()`, `.handle()`.
   * @throws {TypeError} For a bad name, or one the bot already has.
   */
  command(name: string): CommandBuilder<Record<never, never>, CommandContext & C> {
    return this.#node.commands.create(name) as CommandBuilder<
      Record<never, never>,
      CommandContext & C
    >;
  }

  /**
   * Adds a `message` handler (someone's text changed) or a `line` handler
   * (someone finished a line of plain text), run inside this composer's
   * middleware.
   *
   * @param event `"message"` or `"line"` (the other events are the bot's: `bot.on()`).
   * @param handler Gets the event's data (`user`, `text`, `previous` or `line`), `bot`, `room`, `reply`.
   * @returns This composer.
   * @throws {TypeError} For another event name or a handler that is not a function.
   */
  on<E extends "message" | "line">(
    event: E,
    handler: (ctx: EventContext<E> & C) => unknown,
  ): this {
    if (event !== "message" && event !== "line") {
      throw new TypeError(
        `Cannot listen to event ${
          JSON.stringify(event)
        } in a composer: composers take "message" and "line"; use bot.on() for the others`,
      );
    }
    if (typeof handler !== "function") {
      throw new TypeError(
        `Cannot listen to "${event}": expected a function, got ${typeName(handler)}`,
      );
    }
    (event === "line" ? this.#node.lines : this.#node.messages).push(handler as Handler);
    return this;
  }

  /**
   * Mounts a new composer whose handlers (and middleware) run only when
   * `predicate` holds for the context. Its commands are listed by `/help`;
   * when the predicate fails, a command line of it does nothing.
   *
   * @param predicate Decides from the context, synchronously.
   * @returns The new composer.
   * @example
   * ```ts
   * import { Composer } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Composer();
   * const owners = bot.filter((ctx) => ctx.user.name === "Ann");
   * owners.command("kick").param("name").handle((ctx, args) => ctx.reply(`Bye, ${args.name}`));
   * ```
   */
  filter(predicate: (ctx: MiddlewareContext & C) => boolean): Composer<C> {
    if (typeof predicate !== "function") {
      throw new TypeError(
        `Cannot add filter: expected a predicate function, got ${typeName(predicate)}`,
      );
    }
    const child = new Composer<C>();
    const node = nodeOf(child);
    node.predicate = predicate as Predicate;
    mount(this.#node, node);
    return child;
  }
}

function newNode(): Node {
  const node: Node = {
    middleware: [],
    children: [],
    messages: [],
    lines: [],
    predicate: undefined,
    parent: undefined,
    commands: new CommandRegistry<unknown>((name) => findIn(rootOf(node), name, node)),
  };
  return node;
}

function addTo(node: Node, middleware: readonly unknown[]): void {
  for (const m of middleware) {
    if (m instanceof Composer) continue;
    if (typeof m !== "function") {
      throw new TypeError(
        `Cannot add middleware: expected a function or a Composer, got ${typeName(m)}`,
      );
    }
  }
  for (const m of middleware) {
    if (m instanceof Composer) mount(node, nodeOf(m));
    else node.middleware.push(m as Step);
  }
}

function rootOf(node: Node): Node {
  while (node.parent) node = node.parent;
  return node;
}

function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of node.children) yield* walk(child);
}

/** A command of the tree of `root` by name or alias, outside `except`. */
function findIn(root: Node, name: string, except?: Node): CommandDefinition | undefined {
  for (const node of walk(root)) {
    if (node === except) continue;
    const def = node.commands.get(name);
    if (def) return def;
  }
  return undefined;
}

function mount(parent: Node, child: Node): void {
  if (child.parent) {
    throw new TypeError("Cannot mount composer: it is mounted already (a composer has one parent)");
  }
  for (let n: Node | undefined = parent; n; n = n.parent) {
    if (n === child) throw new TypeError("Cannot mount composer: it would contain itself");
  }
  const root = rootOf(parent);
  for (const node of walk(child)) {
    for (const def of node.commands.all) {
      for (const name of [def.name, ...def.aliases]) {
        const other = findIn(root, name);
        if (other) {
          throw new TypeError(
            `Cannot mount composer: its command "${def.name}" uses the name "${name}" of "${other.name}"`,
          );
        }
      }
    }
  }
  child.parent = parent;
  parent.children.push(child);
}

/** Runs `steps` in order around `last` (koa-style). */
function compose(steps: readonly Step[], ctx: object, last: () => Promise<void>): Promise<void> {
  let index = -1;
  const dispatch = async (i: number): Promise<void> => {
    if (i <= index) throw new Error("Cannot call next() twice in one middleware");
    index = i;
    if (i === steps.length) return await last();
    await steps[i](ctx, () => dispatch(i + 1));
  };
  return dispatch(0);
}

type ChainEvent = "message" | "line";

function listOf(node: Node, event: ChainEvent): Handler[] {
  return event === "line" ? node.lines : node.messages;
}

function hasMessageHandlers(node: Node, event: ChainEvent = "message"): boolean {
  for (const n of walk(node)) if (listOf(n, event).length > 0) return true;
  return false;
}

/** The root's parts, for the bot (which holds the root composer). */
export interface Root {
  /** A command of the tree by name or alias. */
  find(name: string): CommandDefinition | undefined;
  /** Every command of the tree: the root's, then each mounted composer's, in order. */
  all(): CommandDefinition[];
  /**
   * Runs `call` (the handler of `def`) inside the middleware of each composer
   * from the root to the one that has `def` (the root's alone when no composer
   * has it, as for the automatic `/help`). A failing filter skips it.
   */
  runCommand(def: CommandDefinition, ctx: object, call: () => Promise<unknown>): Promise<void>;
  /** Whether a `message` (or `line`) must go through the tree (`own`: the bot has its own handlers). */
  wantsMessage(own: boolean, event?: ChainEvent): boolean;
  /**
   * Runs the tree's `message` (or `line`) handlers inside its middleware,
   * `own` (the bot's) with the root's; handler failures go to `fail`,
   * middleware failures reject.
   */
  runMessage(
    ctx: object,
    own: (() => Promise<void>) | undefined,
    fail: (error: unknown) => void,
    event?: ChainEvent,
  ): Promise<void>;
}

/** The root operations of a composer the bot holds. */
export function rootOfComposer(composer: Composer): Root {
  const root = nodeOf(composer);
  return {
    find: (name) => findIn(root, name),
    all: () => [...walk(root)].flatMap((node) => node.commands.all),
    runCommand: (def, ctx, call) => {
      const path = pathTo(root, def) ?? [root];
      const run = async (i: number): Promise<void> => {
        const node = path[i];
        if (node.predicate && !node.predicate(ctx)) return;
        await compose(node.middleware, ctx, async () => {
          if (i + 1 < path.length) await run(i + 1);
          else await compose(def.middleware as readonly Step[], ctx, async () => void await call());
        });
      };
      return run(0);
    },
    wantsMessage: (own, event = "message") =>
      (own && root.middleware.length > 0) ||
      root.children.some((child) => hasMessageHandlers(child, event)) ||
      listOf(root, event).length > 0,
    runMessage: (ctx, own, fail, event = "message") => runTree(root, ctx, own, fail, event),
  };
}

function pathTo(node: Node, def: CommandDefinition): Node[] | undefined {
  if (node.commands.get(def.name) === def) return [node];
  for (const child of node.children) {
    const path = pathTo(child, def);
    if (path) return [node, ...path];
  }
  return undefined;
}

async function runTree(
  node: Node,
  ctx: object,
  own: (() => Promise<void>) | undefined,
  fail: (error: unknown) => void,
  event: ChainEvent,
): Promise<void> {
  if (!own && !hasMessageHandlers(node, event)) return;
  if (node.predicate && !node.predicate(ctx)) return;
  await compose(node.middleware, ctx, async () => {
    const jobs: Promise<unknown>[] = [];
    if (own) jobs.push(own());
    for (const handler of listOf(node, event)) {
      try {
        const result = handler(ctx);
        if (result instanceof Promise) jobs.push(result.catch(fail));
      } catch (error) {
        fail(error);
      }
    }
    const subtrees = node.children.map((child) => runTree(child, ctx, undefined, fail, event));
    await Promise.all(jobs);
    // A failing subtree's middleware rejects here (the first; the others are reported).
    const results = await Promise.allSettled(subtrees);
    const failures = results.filter((r) => r.status === "rejected");
    for (const r of failures.slice(1)) fail(r.reason);
    if (failures.length > 0) throw failures[0].reason;
  });
}
