// The files `talkomatic new` writes. `{{…}}` placeholders are filled in by new.ts.

/** The bot, shared by both variants but for its imports and the "run when main" check. */
function botSource(ts: boolean): string {
  const options = ts ? "options: Partial<BotOptions> = {}" : "options = {}";
  const returns = ts ? ": Bot" : "";
  return `/**
 * {{name}}: joins the room "Bot Lab" (creating it when there is none) and
 * answers \`/hello\` with a greeting. \`/help\` lists its commands.
 */
import { Bot${ts ? ", type BotOptions" : ""} } from "{{sdk}}";
${ts ? "" : 'import process from "node:process";\nimport { fileURLToPath } from "node:url";\n'}
/** Builds the bot; the test passes the local server's address and a token. */
export function createBot(${options})${returns} {
  const bot = new Bot({
    username: "{{botName}}",
    location: "do /help",
    room: { name: "Bot Lab", create: true },
    ...options,
  });

  bot.command("hello")
    .description("Greets you")
    .handle((ctx) => ctx.reply(\`Hello, \${ctx.user.name}!\`));

  return bot;
}

// Started directly (not imported by the test): run until Ctrl+C.
${
    ts
      ? "if (import.meta.main) await createBot().run();"
      : "if (process.argv[1] === fileURLToPath(import.meta.url)) await createBot().run();"
  }
`;
}

/** The test body, shared by both variants. */
const TEST_BODY =
  `  const server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
  const alice = await TestUser.connect(server, { username: "Alice", location: "Test" });
  const bot = createBot({ server: server.url, token: server.issueToken() });
  try {
    const roomId = await alice.createRoom({ name: "Bot Lab", type: "public" });
    await alice.joinRoom(roomId);
    await bot.start();
    const botId = await server.waitFor(
      (s) => s.room(roomId)?.users.find((u) => u.username === "{{botName}}")?.id,
      { timeoutMs: 10_000 },
    );
    await alice.type("/hello");
    await alice.pressEnter();
    // The bot's box, once it shows something.
    const answer = await server.waitFor(() => alice.texts[botId] || undefined, {
      timeoutMs: 10_000,
    });
    ASSERT(answer, "Hello, Alice!");
  } finally {
    await bot.stop();
    await alice.close();
    await server.close();
  }
`;

/** bot.ts for Deno. */
export const DENO_BOT: string = botSource(true);

/** bot_test.ts for Deno. */
export const DENO_TEST: string = `import { TestServer, TestUser } from "{{sdk}}/testing";
import { createBot } from "./bot.ts";

// The bot against the local Talkomatic server, with a scripted person.
Deno.test("/hello greets the person who asked", async () => {
${
  TEST_BODY.replace("ASSERT(answer, ", "if (answer !== ").replace(
    '"Hello, Alice!");',
    '"Hello, Alice!") throw new Error("The bot answered " + JSON.stringify(answer));',
  )
}});
`;

/** bot.js for Node. */
export const NODE_BOT: string = botSource(false);

/** bot.test.js for Node. */
export const NODE_TEST: string = `import { test } from "node:test";
import assert from "node:assert/strict";
import { TestServer, TestUser } from "{{sdk}}/testing";
import { createBot } from "./bot.js";

// The bot against the local Talkomatic server, with a scripted person.
test("/hello greets the person who asked", async () => {
${TEST_BODY.replace("ASSERT(", "assert.equal(")}});
`;

/** README.md for both; `{{install}}`, `{{dev}}`, `{{test}}` are the commands. */
export const README = `# {{name}}

A bot for [Talkomatic Classic](https://classic.talkomatic.co), built with the
talkomatic SDK.

{{install}}\`{{dev}}\` starts a local Talkomatic server, runs the bot against it
and restarts it when you save. Open the address it prints, sign in, join the
room "Bot Lab" and type \`/hello\` and Enter.

\`{{test}}\` runs the test in {{testFile}}: the bot against the local server, with
a scripted person who types \`/hello\`.

\`{{start}}\` runs the bot against the public server (or \`TALKOMATIC_URL\`).
`;

/** .gitignore for both. */
export const GITIGNORE = `node_modules/
.DS_Store
`;
