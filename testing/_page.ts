// The chat page (testing/web/, embedded by codegen into _page.gen.ts): the
// routes the HTTP layer serves for a person in a browser.

import {
  CHAT_BOARD_JS,
  CHAT_CSS,
  CHAT_HTML,
  CHAT_JS,
  CHAT_TEXT_JS,
  CHAT_VIEW_JS,
} from "./_page.gen.ts";

/** A file of the page: body and content type. */
export interface PageAsset {
  body: string;
  type: string;
}

const ASSETS: ReadonlyMap<string, PageAsset> = new Map([
  ["/", { body: CHAT_HTML, type: "text/html; charset=utf-8" }],
  ["/chat.css", { body: CHAT_CSS, type: "text/css; charset=utf-8" }],
  ["/chat.js", { body: CHAT_JS, type: "text/javascript; charset=utf-8" }],
  ["/chat_view.js", { body: CHAT_VIEW_JS, type: "text/javascript; charset=utf-8" }],
  ["/chat_text.js", { body: CHAT_TEXT_JS, type: "text/javascript; charset=utf-8" }],
  ["/chat_board.js", { body: CHAT_BOARD_JS, type: "text/javascript; charset=utf-8" }],
]);

/** The page file served at `path` (`/`, `/chat.css`, `/chat.js` and its modules), if any. */
export function pageAsset(path: string): PageAsset | undefined {
  return ASSETS.get(path);
}
