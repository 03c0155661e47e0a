/** The delivery-URL rule (worker/lib/publicUrl.ts), in workerd's own URL parser. */
import { describe, expect, it } from "vitest";
import { deliveryUrlProblem, urlOrigin } from "../../worker/lib/publicUrl";

const refused = (url: string, policy = {}) => deliveryUrlProblem(url, policy) !== null;
const expectAllRefused = (urls: string[]) => {
  for (const url of urls) expect(refused(url), url).toBe(true);
};

describe("deliveryUrlProblem", () => {
  it("workerd's URL parser normalises numeric IPv4 and mapped IPv6 before the check sees them", () => {
    expect(new URL("https://2130706433/").hostname).toBe("127.0.0.1");
    expect(new URL("https://0x7f.1/").hostname).toBe("127.0.0.1");
    expect(new URL("https://017700000001/").hostname).toBe("127.0.0.1");
    expect(new URL("https://[::ffff:127.0.0.1]/").hostname).toBe("[::ffff:7f00:1]");
  });

  it("accepts public https URLs", () => {
    for (const url of [
      "https://hooks.slack.com/services/T000/B000/XXXX",
      "https://example.com/hook?x=1",
      "https://example.com:8443/hook",
      "https://8.8.8.8/hook",
      "https://[2606:4700:4700::1111]/hook",
      "https://[64:ff9b::808:808]/", // NAT64 of 8.8.8.8
      "https://172.32.0.1/", // just outside 172.16/12
      "https://100.128.0.1/", // just outside 100.64/10
    ]) {
      expect(deliveryUrlProblem(url), url).toBeNull();
    }
  });

  it("refuses literal IPv4 addresses outside the public space, in every spelling", () => {
    expectAllRefused([
      "https://169.254.169.254/latest/meta-data/",
      "https://127.0.0.1:8787/",
      "https://127.1.2.3/",
      "https://2130706433/",
      "https://0x7f.1/",
      "https://0x7f000001/",
      "https://017700000001/",
      "https://0.0.0.0/",
      "https://0/",
      "https://10.0.0.1/",
      "https://172.16.0.1/",
      "https://172.31.255.255/",
      "https://192.168.1.1/",
      "https://100.64.0.1/",
      "https://100.127.255.255/",
      "https://224.0.0.1/",
      "https://239.255.255.250/",
      "https://255.255.255.255/",
      "https://240.0.0.1/",
      "https://192.0.2.1/",
      "https://198.51.100.7/",
      "https://203.0.113.9/",
      "https://198.18.0.1/",
      "https://192.0.0.8/",
    ]);
  });

  it("refuses non-public IPv6 literals, IPv4-mapped in both spellings and NAT64 of private IPv4", () => {
    expectAllRefused([
      "https://[::1]/",
      "https://[::]/",
      "https://[0:0:0:0:0:0:0:1]/",
      "https://[fe80::1]/",
      "https://[febf::1]/",
      "https://[fc00::1]/",
      "https://[fd12:3456::1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://[::ffff:7f00:1]/",
      "https://[::ffff:a9fe:a9fe]/",
      "https://[::ffff:8.8.8.8]/",
      "https://[64:ff9b::127.0.0.1]/",
      "https://[64:ff9b::a00:1]/",
      "https://[64:ff9b:1::1]/",
      "https://[2002:7f00:1::]/",
      "https://[ff02::1]/",
      "https://[2001:db8::1]/",
      "https://[::127.0.0.1]/",
    ]);
  });

  it("refuses local names and single-label hosts", () => {
    expectAllRefused([
      "https://localhost/",
      "https://LOCALHOST./",
      "https://api.localhost/",
      "https://printer.local/",
      "https://metadata.google.internal/",
      "https://intranet/",
      "https://router.home.arpa/",
    ]);
  });

  it("refuses other schemes, credentials and garbage", () => {
    expectAllRefused(["http://example.com/", "ftp://example.com/", "https://user:pw@example.com/", "not a url", "", "javascript:alert(1)"]);
  });

  it("plain http to loopback only under the local-development policy, never https to loopback", () => {
    const dev = { allowLocalHttp: true };
    for (const url of ["http://127.0.0.1:9/hook", "http://localhost:8080/", "http://[::1]:3000/"]) {
      expect(refused(url), url).toBe(true);
      expect(refused(url, dev), url).toBe(false);
    }
    for (const url of ["https://127.0.0.1/", "http://10.0.0.1/", "http://169.254.169.254/", "http://example.com/"]) {
      expect(refused(url, dev), url).toBe(true);
    }
  });
});

describe("urlOrigin", () => {
  it("keeps scheme and host, drops the secret path", () => {
    expect(urlOrigin("https://hooks.slack.com/services/T0/B0/secret")).toBe("https://hooks.slack.com");
    expect(urlOrigin(null)).toBeNull();
  });
});
