import { describe, expect, it } from "vitest";
import { secretForms } from "../../../src/engine/secrets/secret-forms.js";
import { secretRuns } from "../../../src/engine/secrets/secret-patterns.js";
import { SecretSet } from "../../../src/engine/secrets/secret-set.js";
import { createSensitivity } from "../../../src/engine/secrets/sensitive-paths.js";

/**
 * What scrub must do, written the plain way: every position of the text is cut out and looked up.
 * SecretSet.scrub finds the same stretches through rolling hashes; the two must never differ.
 */
function plainScrub(text: string, slices: Set<string>, whole: string[], short: Set<string>): string {
  // Which characters are secret; each maximal run of them becomes one •••.
  const secret = new Array<boolean>(text.length).fill(false);
  const mark = (start: number, end: number) => secret.fill(true, start, Math.min(end, text.length));
  for (let i = 0; i + 6 <= text.length; i++) {
    if (slices.has(text.slice(i, i + 8))) mark(i, i + 8);
    for (const value of whole) if (text.startsWith(value, i)) mark(i, i + value.length);
    for (const length of [6, 7]) if (i + length <= text.length && short.has(text.slice(i, i + length))) mark(i, i + length);
  }
  for (const match of text.matchAll(secretRuns)) mark(match.index, match.index + match[0].length);
  return text.replace(/[^]/g, (char, i: number) => (secret[i] ? (i > 0 && secret[i - 1] ? "" : "•••") : char));
}

// A fixed seed: the same texts on every run, so a failure can be replayed.
function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    return ((seed ^ (seed >>> 13)) >>> 0) / 2 ** 32;
  };
}

describe("SecretSet.scrub", () => {
  it("removes exactly what a plain scan of every position removes", () => {
    const next = random(7);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const word = (length: number) => Array.from({ length }, () => pick([..."abcdefghij0123456789-_é•"])).join("");
    // Plain values indexed slice by slice, values too short for a slice, and (past the slice budget)
    // values matched whole.
    // Plain ASCII, so that it is most of the budget in one form and the values after it overflow.
    const bulk = Array.from({ length: 256 * 1024 - 100 }, () => pick([..."abcdefghij"])).join("");
    const values = [word(9), word(12), word(30), word(6), word(7), "tail-of-value", word(40), word(64), word(20 * 1024), word(50), word(15)];
    const secrets = new SecretSet();
    secrets.addDocument("k8s/s.yaml", { kind: "Secret", stringData: Object.fromEntries([bulk, ...values].map((v, i) => [`k${i}`, v])) }, createSensitivity([], () => false));

    // The same material as SecretSet indexes it, in the same order: each value in each of its forms,
    // slice by slice within the budget, whole past it.
    const slices = new Set<string>();
    const whole: string[] = [];
    const short = new Set<string>();
    let material = 0;
    for (const form of [bulk, ...values].flatMap(secretForms)) {
      if (form.length < 8) short.add(form);
      else if (material + form.length <= 256 * 1024) {
        material += form.length;
        for (let i = 0; i + 8 <= form.length; i++) slices.add(form.slice(i, i + 8));
      } else whole.push(form);
    }
    const wholeShort = whole.filter((form) => form.length < 200);
    expect(wholeShort.length).toBeGreaterThan(10);

    let scrubbed = 0;
    for (let round = 0; round < 2000; round++) {
      const parts = Array.from({ length: 1 + Math.floor(next() * 6) }, () => {
        const value = pick([...values, ...wholeShort, bulk.slice(1000, 1000 + Math.floor(next() * 20))]);
        const from = Math.floor(next() * value.length);
        return pick([word(Math.floor(next() * 12)), value, value.slice(from, from + 4 + Math.floor(next() * 10)), " ", "\n"]);
      });
      const text = parts.join("");
      const expected = plainScrub(text, slices, whole, short);
      expect(secrets.scrub(text), JSON.stringify(text)).toBe(expected);
      if (expected !== text) scrubbed++;
    }
    // Most texts held something to scrub: the comparison is not only of texts left as they were.
    expect(scrubbed).toBeGreaterThan(1000);
  });

  it("scrubs a Secret's numbers as JSON prints them and as YAML may have written them, but not short ones", () => {
    const secrets = new SecretSet();
    secrets.addDocument("k8s/s.yaml", { kind: "Secret", stringData: { pin: 98765432101, flag: 0x7fedcba9, port: 8080, on: true }, data: { n: 123456789 } }, createSensitivity([], () => false));
    expect(secrets.scrub("pin 98765432101 flag 2146290601 or 0x7FEDCBA9 or 0x7fedcba9 or 017773345651, n 123456789 or 0x75BCD15; port 8080, true"))
      .toBe("pin ••• flag ••• or ••• or ••• or •••, n ••• or •••; port 8080, true");
  });

  // 40,000 env lines sharing their first characters, past the slice budget: indexed one by one, each
  // was compared with all before it (a minute). Past 64 values sharing a start, any text from that
  // start on is scrubbed as far as the longest of them reaches: never less than the values themselves.
  it("scrubs values that crowd one start as far as the longest of them reaches", () => {
    const secrets = new SecretSet();
    // The budget spent: the values after it are matched whole.
    secrets.addValues([["x".repeat(256 * 1024 - 4)]]);
    const values = Array.from({ length: 200 }, (_, i) => `SAMEHEAD-${i}`);
    secrets.addValues(values.map((value) => [value]));
    // The longest is 12 characters long: as many are scrubbed from any start.
    expect(secrets.scrub("token SAMEHEAD-17 end")).toBe("token •••end");
    expect(secrets.scrub("token SAMEHEAD-199, more")).toBe("token •••, more");
    expect(secrets.scrub("SAMEHEAD-1")).toBe("•••");
    expect(secrets.scrub("unrelated text")).toBe("unrelated text");
  });

  // The spans a message quotes listed paths in (sanitizeReport): what is masked wholly inside one is
  // left, and a stretch reaching out of one is masked whole, the span's part with it.
  it("leaves what is masked wholly inside a kept span, and masks whole what reaches out of one", () => {
    const secrets = new SecretSet();
    secrets.addValues([{ whole: ["production"] }, { whole: ["--values=config/app.yaml --token=Moose77"] }, ["Lamp9;config/app.yaml;Moth7"]]);
    const path = "envs/production/app.yaml";
    expect(secrets.scrub(`see ${path} for production`, [[4, 4 + path.length]])).toBe(`see ${path} for •••`);
    const quoted = "args --values=config/app.yaml --token=Moose77 and Lamp9;config/app.yaml;Moth7";
    const spans: [number, number][] = [[14, 29], [56, 71]];
    expect(spans.map(([start, end]) => quoted.slice(start, end))).toEqual(["config/app.yaml", "config/app.yaml"]);
    expect(secrets.scrub(quoted, spans)).toBe("args ••• and •••");
  });
});
