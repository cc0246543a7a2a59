import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";

const bin = join(new URL("../../", import.meta.url).pathname, "dist/cli/bin.js");
const config = 'version: 1\nschemas:\n  - files: "k8s/*.yaml"\n    schema: kubernetes\n';
// A port must be an integer: the verdict is a failure.
const bad = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: eighty\n";

// `gitgate validate | head` closes the pipe before the report is written: the built CLI must still
// exit with the verdict's status and no stack trace, as any Unix tool does when its reader leaves.
describe("the CLI whose reader closed its output", () => {
  let repo: TestRepo | undefined;
  afterEach(() => repo?.remove());

  it("exits with the verdict's status and nothing on stderr", async () => {
    repo = await createTestRepo({ ".github/gitgate.yml": config, "k8s/web.yaml": bad });
    const child = spawn(process.execPath, [bin, "validate"], { cwd: repo.dir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    expect(stderr).toBe("");
    expect(status).toBe(1);
  }, 60_000);
});
