/**
 * A real SMTP receiver for the mail tests (smtp-server on 127.0.0.1, a free port): it asks for
 * a user name and password (plain AUTH without TLS, as a local relay might), parses each
 * accepted message with mailparser before answering, and can be told to refuse messages with
 * an SMTP code, to count how often a sender retries.
 */
import net from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = {
  from: string;
  to: string[];
  parsed: ParsedMail;
  /** A header's raw value(s) by lower-case name ("list-unsubscribe"), unfolded. */
  header: (name: string) => string | undefined;
};

export type SmtpReceiver = {
  port: number;
  /** smtp://user:password@127.0.0.1:port */
  url: string;
  username: string;
  password: string;
  /** Messages accepted, in order. */
  received: ReceivedMail[];
  /** Messages refused by `refuseWith`, counted. */
  refused: number;
  /** From now on refuse each message with this code (and text), or accept again (null). */
  refuseWith: (answer: { code: number; text: string } | null) => void;
  /** Refuse AUTH with this text (null: accept the configured credentials). */
  refuseAuthWith: (text: string | null) => void;
  /** Waits (at most `timeoutMs`) until `count` messages were accepted. */
  waitFor: (count: number, timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
};

export async function startSmtpReceiver({
  username = "triad-mailer",
  password = "smtp-pa55word!",
}: { username?: string; password?: string } = {}): Promise<SmtpReceiver> {
  let refusal: { code: number; text: string } | null = null;
  let authRefusal: string | null = null;
  const state = { refused: 0 };
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    size: 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (authRefusal !== null) return callback(new Error(authRefusal));
      if (auth.username === username && auth.password === password) return callback(null, { user: auth.username });
      callback(new Error("Invalid user name or password"));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (refusal) {
            state.refused++;
            const error = new Error(refusal.text) as Error & { responseCode: number };
            error.responseCode = refusal.code;
            return callback(error);
          }
          const lines = parsed.headerLines;
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            parsed,
            header: (name) =>
              lines
                .filter((l) => l.key === name.toLowerCase())
                .map((l) =>
                  l.line
                    .slice(l.line.indexOf(":") + 1)
                    .replace(/\r?\n[ \t]+/g, " ")
                    .trim(),
                )
                .join(", ") || undefined,
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    port,
    url: `smtp://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    username,
    password,
    received,
    get refused() {
      return state.refused;
    },
    refuseWith: (answer) => {
      refusal = answer;
    },
    refuseAuthWith: (text) => {
      authRefusal = text;
    },
    waitFor: async (count, timeoutMs = 5000) => {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until)
          throw new Error(`Expected ${count} mails within ${timeoutMs} ms, got ${received.length}.`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A local port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
