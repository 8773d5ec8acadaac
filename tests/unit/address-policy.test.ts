import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { addressPolicy, allowPrivateAddresses, pinnedLookup, refusedUrlReason } from "~/lib/safe-fetch.server";

describe("addressPolicy: where webhooks may connect", () => {
  // [address, refused range (null = public), internal: allowed by TRIAD_WEBHOOK_ALLOW_PRIVATE=1]
  it.each<[string, RegExp | null, boolean]>([
    // IPv4
    ["93.184.215.14", null, false],
    ["8.8.8.8", null, false],
    ["1.1.1.1", null, false],
    ["172.15.255.255", null, false],
    ["172.32.0.0", null, false],
    ["100.63.255.255", null, false],
    ["100.128.0.0", null, false],
    ["223.255.255.255", null, false],
    ["0.0.0.0", /this network/, false],
    ["0.1.2.3", /this network/, false],
    ["10.0.0.1", /private/, true],
    ["10.255.255.255", /private/, true],
    ["100.64.0.1", /shared address space/, true],
    ["100.127.255.255", /shared address space/, true],
    ["127.0.0.1", /loopback/, true],
    ["127.255.255.254", /loopback/, true],
    ["169.254.169.254", /link-local/, false],
    ["172.16.0.1", /private/, true],
    ["172.31.255.255", /private/, true],
    ["192.0.0.8", /IETF/, false],
    ["192.0.2.1", /documentation/, false],
    ["192.88.99.1", /6to4/, false],
    ["192.168.1.1", /private/, true],
    ["198.18.0.1", /benchmarking/, false],
    ["198.19.255.255", /benchmarking/, false],
    ["198.51.100.7", /documentation/, false],
    ["203.0.113.9", /documentation/, false],
    ["224.0.0.1", /multicast/, false],
    ["239.255.255.250", /multicast/, false],
    ["240.0.0.1", /reserved/, false],
    ["255.255.255.255", /broadcast/, false],
    // IPv6
    ["2606:4700:4700::1111", null, false],
    ["2a00:1450:4001:80b::200e", null, false],
    ["2001:4860:4860::8888", null, false],
    ["::", /unspecified/, false],
    ["::1", /loopback/, true],
    ["0:0:0:0:0:0:0:1", /loopback/, true],
    ["[::1]", /loopback/, true],
    ["fc00::1", /unique local/, true],
    ["fd12:3456:789a::1", /unique local/, true],
    ["fe80::1", /link-local/, false],
    ["fe80::1%eth0", /scoped/, false],
    ["febf::1", /link-local/, false],
    ["fec0::1", /site-local/, false],
    ["ff02::1", /multicast/, false],
    ["ff05::1:3", /multicast/, false],
    ["::ffff:127.0.0.1", /IPv4-mapped loopback/, true],
    ["::ffff:7f00:1", /IPv4-mapped loopback/, true],
    ["::FFFF:10.1.2.3", /IPv4-mapped private/, true],
    ["::ffff:169.254.169.254", /IPv4-mapped link-local/, false],
    ["::ffff:0.0.0.0", /IPv4-mapped this network/, false],
    ["::ffff:8.8.8.8", null, false],
    ["64:ff9b::127.0.0.1", /NAT64 loopback/, true],
    ["64:ff9b::a9fe:a9fe", /NAT64 link-local/, false],
    ["64:ff9b::8.8.8.8", null, false],
    ["::127.0.0.1", /reserved/, false], // IPv4-compatible, deprecated
    ["::ffff:0:127.0.0.1", /reserved/, false], // IPv4-translated
    ["100::1", /reserved/, false],
    ["64:ff9b:1::1", /reserved/, false],
    ["2001::1", /IETF/, false], // Teredo
    ["2001:db8::1", /documentation/, false],
    ["2002:7f00:1::1", /6to4/, false],
    ["3fff::1", /documentation/, false],
    ["5f00::1", /reserved/, false], // segment routing SIDs
    ["4000::1", /reserved/, false],
    // not addresses at all
    ["localhost", /not an IP address/, false],
    ["", /not an IP address/, false],
    ["127.1", /not an IP address/, false],
    ["1.2.3.4.5", /not an IP address/, false],
  ])("%s", (address, range, internal) => {
    const strict = addressPolicy(address);
    const lenient = addressPolicy(address, { allowPrivate: true });
    if (range === null) {
      expect(strict).toEqual({ allowed: true });
      expect(lenient).toEqual({ allowed: true });
      return;
    }
    expect(strict).toMatchObject({ allowed: false, range: expect.stringMatching(range), internal });
    // TRIAD_WEBHOOK_ALLOW_PRIVATE=1 opens internal ranges only: never link-local, multicast, reserved.
    expect(lenient.allowed).toBe(internal);
  });
});

describe("TRIAD_WEBHOOK_ALLOW_PRIVATE", () => {
  it("is on only when it is exactly 1", () => {
    expect(allowPrivateAddresses({})).toBe(false);
    expect(allowPrivateAddresses({ TRIAD_WEBHOOK_ALLOW_PRIVATE: "0" })).toBe(false);
    expect(allowPrivateAddresses({ TRIAD_WEBHOOK_ALLOW_PRIVATE: "true" })).toBe(false);
    expect(allowPrivateAddresses({ TRIAD_WEBHOOK_ALLOW_PRIVATE: "1" })).toBe(true);
  });
});

describe("refusedUrlReason: IP literals are judged when a webhook is registered", () => {
  it.each([
    "http://127.0.0.1:8080/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://169.254.169.254/latest/meta-data",
    "https://10.1.2.3/hook",
    "http://0.0.0.0:3000/",
    // the URL parser normalises other spellings of 127.0.0.1 first
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "http://127.1/",
  ])("refuses %s", (url) => {
    expect(refusedUrlReason(url, { allowPrivate: false })).toMatch(/^Triad does not send webhooks to .+ addresses\.$/);
  });

  it("leaves host names to delivery time, and allows public and (when allowed) private literals", () => {
    expect(refusedUrlReason("https://hooks.example.com/triad", { allowPrivate: false })).toBeNull();
    expect(refusedUrlReason("http://localhost:3000/", { allowPrivate: false })).toBeNull();
    expect(refusedUrlReason("https://8.8.8.8/hook", { allowPrivate: false })).toBeNull();
    expect(refusedUrlReason("http://127.0.0.1:8080/hook", { allowPrivate: true })).toBeNull();
    expect(refusedUrlReason("http://169.254.169.254/", { allowPrivate: true })).toMatch(/link-local/);
  });
});

describe("pinnedLookup: the connection goes to the checked address, whatever DNS says later", () => {
  const checked: LookupAddress[] = [
    { address: "93.184.215.14", family: 4 },
    { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
  ];
  const ask = (hostname: string, options: object) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      pinnedLookup("hooks.example.com", checked)(hostname, options, (error, address, family) =>
        resolve({ error, address, family }),
      ),
    );

  it("answers a single lookup with the first checked address", async () => {
    expect(await ask("hooks.example.com", {})).toEqual({ error: null, address: "93.184.215.14", family: 4 });
    expect(await ask("hooks.example.com", { family: 6 })).toMatchObject({
      address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
      family: 6,
    });
  });

  it("answers `all` lookups (Node's happy eyeballs) with the checked addresses only", async () => {
    expect((await ask("hooks.example.com", { all: true })).address).toEqual(checked);
    expect((await ask("hooks.example.com", { all: true, family: 4 })).address).toEqual([checked[0]]);
  });

  it("answers nothing for another host name", async () => {
    const answer = await ask("127.0.0.1.nip.io", {});
    expect(answer.error?.code).toBe("ENOTFOUND");
  });
});
