// socket.io (the server) is an optional peer dependency of the npm package:
// only the local server needs it, so a bot that never imports ./testing does
// not install it. Loaded here, with a message that names the install command.

/** The socket.io module, or an Error saying how to install it. */
export async function loadSocketIo(): Promise<typeof import("socket.io")> {
  try {
    return await import("socket.io");
  } catch (error) {
    const text = String((error as Error)?.message ?? error);
    if (!/socket\.io/.test(text) || !/find|resolve|not found/i.test(text)) throw error;
    throw new Error(
      'The local Talkomatic server needs the "socket.io" package (an optional peer dependency of talkomatic): run "npm install socket.io"',
      { cause: error },
    );
  }
}
