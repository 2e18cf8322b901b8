/**
 * The chat page of the local server (`testing/web/`): its HTML, CSS and
 * script become string constants in `testing/_page.gen.ts`, so that the
 * TestServer serves them the same way from a checkout, from JSR (modules
 * loaded over https, no file reads) and from the npm package.
 *
 * Each file is kept as an array of lines so that a change to the page shows
 * as a line-by-line diff of the generated file.
 *
 * @module
 */

/** The page's files: constant name, source path under the root, one-line doc. */
export const PAGE_FILES: readonly { name: string; path: string; doc: string }[] = [
  { name: "CHAT_HTML", path: "testing/web/chat.html", doc: "The chat page, served at `/`." },
  { name: "CHAT_CSS", path: "testing/web/chat.css", doc: "Its style sheet, at `/chat.css`." },
  { name: "CHAT_JS", path: "testing/web/chat.js", doc: "Its script, at `/chat.js`." },
];

/**
 * Generates `testing/_page.gen.ts`.
 *
 * @param root The repository root.
 * @param header The generated-file header.
 * @returns TypeScript source (unformatted).
 */
export async function generatePage(root: URL, header: string): Promise<string> {
  const out = [header, ""];
  for (const file of PAGE_FILES) {
    const text = await Deno.readTextFile(new URL(file.path, root));
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
