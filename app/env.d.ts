import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address (for sign-in rate limits). */
    clientAddress: string;
    /** The per-request CSP nonce for Remix's inline scripts. */
    nonce: string;
  }
}
