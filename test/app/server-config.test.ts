import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readServerConfig } from "../../src/app/server-config.js";

const key = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;

describe("server configuration from the environment", () => {
  it("refuses to start in production without a real webhook secret", () => {
    for (const secret of [undefined, "", "development"]) {
      expect(() => readServerConfig({ NODE_ENV: "production", APP_ID: "1", PRIVATE_KEY: key, ...(secret !== undefined ? { WEBHOOK_SECRET: secret } : {}) })).toThrow(
        /WEBHOOK_SECRET must be set to the App's webhook secret/,
      );
    }
  });

  it("reports every problem at once", () => {
    expect(() => readServerConfig({ APP_ID: "x", PORT: "99999", LOG_LEVEL: "loud" as "info" })).toThrow(
      "cannot start:\n- APP_ID must be the App's numeric id\n- PRIVATE_KEY or PRIVATE_KEY_PATH must give the App's private key\n- PORT must be a port number\n- LOG_LEVEL must be trace, debug, info, warn, error or fatal",
    );
  });

  it("reads the key from a file, or from base64 or escaped newlines", () => {
    const dir = mkdtempSync(join(tmpdir(), "gitgate-key-"));
    writeFileSync(join(dir, "key.pem"), key);
    expect(readServerConfig({ APP_ID: "7", PRIVATE_KEY_PATH: join(dir, "key.pem") }).privateKey).toBe(key.trim());
    expect(readServerConfig({ APP_ID: "7", PRIVATE_KEY: Buffer.from(key).toString("base64") }).privateKey).toBe(key);
    expect(readServerConfig({ APP_ID: "7", PRIVATE_KEY: key.trim().replace(/\n/g, "\\n") }).privateKey).toBe(key.trim());
  });

  it("points at GitHub Enterprise or a local fake with GHE_HOST and GHE_PROTOCOL, and listens on all interfaces in production", () => {
    const config = readServerConfig({ NODE_ENV: "production", APP_ID: "7", PRIVATE_KEY: key, WEBHOOK_SECRET: "s3cret", GHE_HOST: "github.acme.internal", PORT: "8080" });
    expect(config).toMatchObject({ baseUrl: "https://github.acme.internal/api/v3", host: "0.0.0.0", port: 8080, webhookSecret: "s3cret", production: true });
    expect(readServerConfig({ APP_ID: "7", PRIVATE_KEY: key, GHE_HOST: "localhost:9999", GHE_PROTOCOL: "http" })).toMatchObject({ baseUrl: "http://localhost:9999/api/v3", host: "localhost" });
  });

  it("reads the shared engine and the sweep intervals, with documented defaults", () => {
    expect(readServerConfig({ APP_ID: "7", PRIVATE_KEY: key })).toMatchObject({ reconcileIntervalMinutes: 10, redeliveryIntervalMinutes: 10, jobLockSeconds: 30, writeSpacingMs: 1000 });
    expect(readServerConfig({ APP_ID: "7", PRIVATE_KEY: key }).redisUrl).toBeUndefined();
    expect(readServerConfig({ APP_ID: "7", PRIVATE_KEY: key, REDIS_URL: "rediss://:pw@redis.internal:6380", GITGATE_RECONCILE_INTERVAL_MINUTES: "5" })).toMatchObject({ redisUrl: "rediss://:pw@redis.internal:6380", reconcileIntervalMinutes: 5 });
    expect(readServerConfig({ APP_ID: "7", PRIVATE_KEY: key, GITGATE_RECONCILE_INTERVAL_MINUTES: "off" }).reconcileIntervalMinutes).toBe("off");
    expect(() => readServerConfig({ APP_ID: "7", PRIVATE_KEY: key, REDIS_URL: "redis.internal:6379", GITGATE_RECONCILE_INTERVAL_MINUTES: "soon", GITGATE_JOB_LOCK_SECONDS: "0" })).toThrow(
      "cannot start:\n- GITGATE_RECONCILE_INTERVAL_MINUTES must be a number of minutes, or off\n- REDIS_URL must be a redis:// or rediss:// URL\n- GITGATE_JOB_LOCK_SECONDS must be a number of seconds, at least 1",
    );
  });

  it("sweeps branch protection hourly unless told otherwise; 0 turns the sweep off, anything else is refused", () => {
    expect(readServerConfig({ APP_ID: "7", PRIVATE_KEY: key }).protectionSweepMinutes).toBe(60);
    expect(readServerConfig({ APP_ID: "7", PRIVATE_KEY: key, GITGATE_PROTECTION_SWEEP_MINUTES: "0" }).protectionSweepMinutes).toBe(0);
    expect(() => readServerConfig({ APP_ID: "7", PRIVATE_KEY: key, GITGATE_PROTECTION_SWEEP_MINUTES: "hourly" })).toThrow("GITGATE_PROTECTION_SWEEP_MINUTES must be a number of minutes (0 turns the sweep off)");
  });
});
