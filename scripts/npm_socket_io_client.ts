/**
 * An extra entry point of the npm build (`scripts/build_npm.ts`), shipped as
 * `socket.io-client.js` at the package's root and outside its export map:
 * the socket.io-client that the package bundles, the same classes the Bot and
 * `TestUser` use. The benchmark wraps its `Socket` to time the Bot's event
 * handling in Node. Nothing in the SDK imports it.
 *
 * @module
 */
export { io, Manager, Socket } from "socket.io-client";
