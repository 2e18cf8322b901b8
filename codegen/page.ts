/**
 * The chat page of the local server (`testing/web/`): its HTML, CSS and
 * script become string constants in `testing/_page.gen.ts`, so that the
 * TestServer serves them the same way from a checkout, from JSR (modules
 * loaded over https, no file reads) and from the npm package.
 *
 * Each file is kept as an array of lines so that a change to the page shows
 * as a line-by-line diff of the generated file.
 *
 * The page follows the schema like every other layer: each `{{NAME}}` in its
 * files is replaced by the value of the protocol limit `NAME`
 * (`x-talkomatic-limits` of `schemas/openapi.yaml`, the constants of
 * `schemas/limits.gen.ts`); a name that is no limit fails the run.
 *
 * @module
 */
import type { Limit } from "./limits.ts";

/** The page's files: constant name, source path under the root, one-line doc. */
const PAGE_FILES: readonly { name: string; path: string; doc: string }[] = [
  { name: "CHAT_HTML", path: "testing/web/chat.html", doc: "The chat page, served at `/`." },
  { name: "CHAT_CSS", path: "testing/web/chat.css", doc: "Its style sheet, at `/chat.css`." },
  { name: "CHAT_JS", path: "testing/web/chat.js", doc: "Its script, at `/chat.js`." },
  {
    name: "CHAT_VIEW_JS",
    path: "testing/web/chat_view.js",
    doc: "The elements the script builds, at `/chat_view.js`.",
  },
  {
    name: "CHAT_BOARD_JS",
    path: "testing/web/chat_board.js",
    doc: "The page's Talkoboard, at `/chat_board.js`.",
  },
  {
    name: "CHAT_TEXT_JS",
    path: "testing/web/chat_text.js",
    doc: "The script's text model, at `/chat_text.js`.",
  },
];

/**
 * Replaces every `{{NAME}}` of a page file by the value of the limit `NAME`.
 *
 * @param text The file's text.
 * @param path The file, for the error.
 * @param limits The protocol's limits.
 * @returns The text with the values written in.
 * @throws {Error} When a placeholder names no limit.
 */
function fillLimits(text: string, path: string, limits: readonly Limit[]): string {
  return text.replace(/\{\{([A-Za-z0-9_]+)\}\}/g, (_, name: string) => {
    const limit = limits.find((l) => l.name === name);
    if (limit === undefined || typeof limit.value === "object") {
      throw new Error(`Unknown limit "{{${name}}}" in ${path}: expected a number or string limit`);
    }
    return String(limit.value);
  });
}

/**
 * Generates `testing/_page.gen.ts`.
 *
 * @param root The repository root.
 * @param header The generated-file header.
 * @param limits The protocol's limits, written in place of their `{{NAME}}`.
 * @returns TypeScript source (unformatted).
 */
export async function generatePage(
  root: URL,
  header: string,
  limits: readonly Limit[],
): Promise<string> {
  const out = [header, ""];
  for (const file of PAGE_FILES) {
    const text = fillLimits(await Deno.readTextFile(new URL(file.path, root)), file.path, limits);
    const lines = text.split("\n");
    out.push(
      `/** ${file.doc} Generated from ${file.path}. */`,
      `export const ${file.name}: string = [`,
      ...lines.map((line) => `  ${JSON.stringify(line)},`),
      `].join("\\n");`,
      "",
    );
  }
  return out.join("\n");
}
