/**
 * Outgoing requests to addresses that admins type in (webhooks), without letting them reach
 * Triad's own network (server-side request forgery). See docs/decisions/002-json-api-tokens-webhooks.md,
 * "Webhooks and internal addresses".
 *
 * - `addressPolicy` is the pure rule: which IP addresses (v4 and v6, including IPv4-mapped and
 *   NAT64 forms) are internal or reserved.
 * - `safePost` resolves the host name itself, checks EVERY address it resolves to, and connects
 *   to exactly those checked addresses (a pinned `lookup`), so a DNS answer that changes between
 *   the check and the connection (DNS rebinding) cannot move the request inside. The Host header
 *   and the TLS server name stay the URL's host name.
 * - The outcome is only a status code or a generic failure class: never the receiver's reply,
 *   and one class for refused, reset and unreachable connections, so the result cannot be used
 *   to scan ports. Redirects are not followed.
 */
import { promises as dns, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import net, { type LookupFunction } from "node:net";

/** Why an address is refused: internal ones may be allowed by TRIAD_WEBHOOK_ALLOW_PRIVATE=1, reserved ones never. */
export type AddressVerdict = { allowed: true } | { allowed: false; range: string; internal: boolean };

/** Whether TRIAD_WEBHOOK_ALLOW_PRIVATE=1 (read at each call, so tests can switch it). */
export function allowPrivateAddresses(env: Record<string, string | undefined> = process.env): boolean {
  return env.TRIAD_WEBHOOK_ALLOW_PRIVATE === "1";
}

// ---------- the address policy (pure) ----------

function parseIPv4(address: string): number | null {
  if (net.isIPv4(address) === false) return null;
  return address.split(".").reduce((value, part) => value * 256 + Number(part), 0);
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part is accepted). */
function parseIPv6(address: string): number[] | null {
  if (!net.isIPv6(address)) return null;
  let text = address.toLowerCase();
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = parseIPv4(dotted[2]);
    if (v4 === null) return null;
    text = `${dotted[1]}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, null];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === null ? missing !== 0 : missing < 1) return null;
  const groups = [...headGroups, ...Array<string>(tail === null ? 0 : missing).fill("0"), ...tailGroups];
  return groups.map((group) => parseInt(group, 16));
}

type V4Range = [first: string, prefix: number, name: string, internal: boolean];

/**
 * IANA's IPv4 special-purpose registry, and more. `internal` ranges host real receivers inside
 * a network and may be allowed by TRIAD_WEBHOOK_ALLOW_PRIVATE=1; the others never do.
 * Link-local (169.254.0.0/16: cloud metadata services live there) is never allowed.
 */
const V4_RANGES: V4Range[] = [
  ["0.0.0.0", 8, "this network (0.0.0.0/8)", false],
  ["10.0.0.0", 8, "private (10.0.0.0/8)", true],
  ["100.64.0.0", 10, "shared address space (100.64.0.0/10)", true],
  ["127.0.0.0", 8, "loopback (127.0.0.0/8)", true],
  ["169.254.0.0", 16, "link-local (169.254.0.0/16)", false],
  ["172.16.0.0", 12, "private (172.16.0.0/12)", true],
  ["192.0.0.0", 24, "IETF protocol assignments (192.0.0.0/24)", false],
  ["192.0.2.0", 24, "documentation (192.0.2.0/24)", false],
  ["192.88.99.0", 24, "6to4 relay anycast (192.88.99.0/24)", false],
  ["192.168.0.0", 16, "private (192.168.0.0/16)", true],
  ["198.18.0.0", 15, "benchmarking (198.18.0.0/15)", false],
  ["198.51.100.0", 24, "documentation (198.51.100.0/24)", false],
  ["203.0.113.0", 24, "documentation (203.0.113.0/24)", false],
  ["224.0.0.0", 4, "multicast (224.0.0.0/4)", false],
  ["255.255.255.255", 32, "broadcast (255.255.255.255)", false],
  ["240.0.0.0", 4, "reserved (240.0.0.0/4)", false],
];

function inV4Range(value: number, first: string, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  const start = parseIPv4(first)!;
  return value >= start && value < start + size;
}

function v4Verdict(value: number): AddressVerdict {
  const hit = V4_RANGES.find(([first, prefix]) => inV4Range(value, first, prefix));
  return hit ? { allowed: false, range: hit[2], internal: hit[3] } : { allowed: true };
}

/** Whether the first `prefix` bits of `groups` equal those of `first`. */
function inV6Range(groups: number[], first: string, prefix: number): boolean {
  const start = parseIPv6(first)!;
  for (let i = 0; i < 8 && prefix > 0; i++, prefix -= 16) {
    const bits = Math.min(prefix, 16);
    const mask = (0xffff << (16 - bits)) & 0xffff;
    if ((groups[i] & mask) !== (start[i] & mask)) return false;
  }
  return true;
}

type V6Range = [first: string, prefix: number, name: string, internal: boolean];

/** Outside global unicast (2000::/3): named for the message, all refused. */
const V6_NON_GLOBAL: V6Range[] = [
  ["::", 128, "unspecified (::)", false],
  ["::1", 128, "loopback (::1)", true],
  ["fc00::", 7, "unique local (fc00::/7)", true],
  ["fe80::", 10, "link-local (fe80::/10)", false],
  ["fec0::", 10, "site-local (fec0::/10)", false],
  ["ff00::", 8, "multicast (ff00::/8)", false],
];

/** Special ranges inside 2000::/3. */
const V6_SPECIAL_GLOBAL: V6Range[] = [
  ["2001::", 23, "IETF protocol assignments (2001::/23)", false],
  ["2001:db8::", 32, "documentation (2001:db8::/32)", false],
  ["2002::", 16, "6to4 (2002::/16)", false],
  ["3fff::", 20, "documentation (3fff::/20)", false],
];

function embeddedV4(groups: number[]): number {
  return groups[6] * 0x10000 + groups[7];
}

/**
 * The address policy: whether Triad may connect to `address` (an IP address, v4 or v6) for a
 * webhook. Pure; `allowPrivate` is TRIAD_WEBHOOK_ALLOW_PRIVATE=1. Anything that is not an IP
 * address is refused.
 */
export function addressPolicy(
  address: string,
  { allowPrivate = false }: { allowPrivate?: boolean } = {},
): AddressVerdict {
  const verdict = classifyAddress(address.replace(/^\[(.*)\]$/, "$1"));
  return !verdict.allowed && verdict.internal && allowPrivate ? { allowed: true } : verdict;
}

function classifyAddress(address: string): AddressVerdict {
  // A zone id (fe80::1%eth0) only exists for link-local and similar scoped addresses.
  if (address.includes("%")) return { allowed: false, range: "scoped address", internal: false };
  const v4 = parseIPv4(address);
  if (v4 !== null) return v4Verdict(v4);
  const groups = parseIPv6(address);
  if (!groups) return { allowed: false, range: "not an IP address", internal: false };
  const prefixOf = (name: string, verdict: AddressVerdict): AddressVerdict =>
    verdict.allowed ? verdict : { ...verdict, range: `${name} ${verdict.range}` };
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the IPv4 address inside.
  if (inV6Range(groups, "::ffff:0:0", 96)) return prefixOf("IPv4-mapped", v4Verdict(embeddedV4(groups)));
  if (inV6Range(groups, "64:ff9b::", 96)) return prefixOf("NAT64", v4Verdict(embeddedV4(groups)));
  if (!inV6Range(groups, "2000::", 3)) {
    const hit = V6_NON_GLOBAL.find(([first, prefix]) => inV6Range(groups, first, prefix));
    return hit
      ? { allowed: false, range: hit[2], internal: hit[3] }
      : { allowed: false, range: "reserved (outside 2000::/3)", internal: false };
  }
  // The most specific range names the refusal (2001:db8::/32 lies outside 2001::/23 anyway).
  const hit = V6_SPECIAL_GLOBAL.find(([first, prefix]) => inV6Range(groups, first, prefix));
  return hit ? { allowed: false, range: hit[2], internal: hit[3] } : { allowed: true };
}

/** The host of a URL as a bare string: brackets of an IPv6 literal removed. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * For a URL being registered: when its host is an IP literal in a refused range, the message
 * to show; host names are checked at each delivery instead (their DNS answer can change).
 */
export function refusedUrlReason(rawUrl: string, { allowPrivate = allowPrivateAddresses() } = {}): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null; // the form schema already refused it
  }
  const host = urlHost(url);
  if (!net.isIP(host)) return null;
  const verdict = addressPolicy(host, { allowPrivate });
  return verdict.allowed ? null : `Triad does not send webhooks to ${verdict.range} addresses.`;
}

// ---------- connecting to checked addresses only ----------

/**
 * A `lookup` for http(s).request that answers with the already checked addresses and nothing
 * else, so the socket connects where the policy said yes, whatever DNS says by then. It only
 * answers for `hostname` (the one that was checked).
 */
export function pinnedLookup(hostname: string, addresses: LookupAddress[]): LookupFunction {
  return (asked, options, callback) => {
    const family = typeof options === "number" ? options : options?.family;
    const wanted = family === "IPv4" ? 4 : family === "IPv6" ? 6 : family === 4 || family === 6 ? family : 0;
    const matching = addresses.filter((a) => wanted === 0 || a.family === wanted);
    if (asked !== hostname || matching.length === 0) {
      const error = Object.assign(new Error(`No checked address for ${asked}.`), { code: "ENOTFOUND" });
      callback(error, "", 0);
      return;
    }
    if (typeof options === "object" && options?.all) callback(null, matching);
    else callback(null, matching[0].address, matching[0].family);
  };
}

/** The generic outcome classes; nothing else about a failure is kept or shown. */
export type SafeFetchFailure = "refused address" | "connection failed" | "timeout" | "invalid response";

export type SafePostResult = { statusCode: number; failure: null } | { statusCode: null; failure: SafeFetchFailure };

export type SafePostOptions = {
  headers: Record<string, string>;
  body: string;
  /** The whole attempt (DNS, connecting, waiting for the status line) must fit in this. */
  timeoutMs: number;
  allowPrivate?: boolean;
  /** DNS resolution, injectable for tests (a rebinding resolver). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
};

const resolveAll = (hostname: string) => dns.lookup(hostname, { all: true, verbatim: true });

function failureClass(error: unknown): SafeFetchFailure {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("HPE_") ? "invalid response" : "connection failed";
}

/**
 * POSTs `body` to `rawUrl` if every address its host resolves to passes the policy, connecting
 * only to those addresses. Answers with the status code (the body is never read) or a failure
 * class; never throws.
 */
export async function safePost(rawUrl: string, options: SafePostOptions): Promise<SafePostResult> {
  const allowPrivate = options.allowPrivate ?? allowPrivateAddresses();
  const fail = (failure: SafeFetchFailure): SafePostResult => ({ statusCode: null, failure });
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return fail("connection failed");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return fail("refused address");

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<SafePostResult>((resolve) => {
    timer = setTimeout(() => resolve(fail("timeout")), options.timeoutMs);
  });
  let request: http.ClientRequest | undefined;
  let over = false;
  const attempt = (async (): Promise<SafePostResult> => {
    const host = urlHost(url);
    let addresses: LookupAddress[];
    if (net.isIP(host)) {
      addresses = [{ address: host, family: net.isIP(host) }];
    } else {
      try {
        addresses = await (options.resolve ?? resolveAll)(host);
      } catch {
        return fail("connection failed");
      }
    }
    if (addresses.length === 0) return fail("connection failed");
    if (addresses.some((a) => !addressPolicy(a.address, { allowPrivate }).allowed)) return fail("refused address");
    if (over) return fail("timeout"); // the deadline passed while resolving: connect nowhere

    return await new Promise<SafePostResult>((resolve) => {
      const transport = url.protocol === "https:" ? https : http;
      request = transport.request(
        {
          protocol: url.protocol,
          hostname: host,
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: "POST",
          // A fresh connection every time: no pooled socket outlives the check it was made under.
          agent: false,
          lookup: pinnedLookup(host, addresses),
          headers: { ...options.headers, "Content-Length": String(Buffer.byteLength(options.body)) },
        },
        (response) => {
          // Only the status line counts; the reply is never read, kept or shown.
          const status = response.statusCode;
          const valid = status !== undefined && status >= 100 && status <= 599;
          resolve(valid ? { statusCode: status, failure: null } : fail("invalid response"));
          response.destroy();
        },
      );
      request.on("error", (error) => resolve(fail(failureClass(error))));
      request.end(options.body);
    });
  })();
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    over = true;
    clearTimeout(timer);
    request?.destroy();
  }
}
