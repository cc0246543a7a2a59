import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGitHub } from "../../src/fake-github/fake-github.js";
import { serveFakeGitHub } from "../../src/fake-github/http-server.js";
import { githubClient } from "../../src/cli/token-client.js";
import { keyOf, readFilesAt } from "../../src/github/read-files-at.js";
import { createTestRepo, type TestRepo } from "../support/git-repo.js";

// The governed-diff digest reads each version's executable bit. The App reads a change's files and the
// control plane's folders in one call: a file read both ways must keep its bit whichever way it came.
let repo: TestRepo;
let http: Awaited<ReturnType<typeof serveFakeGitHub>>;
const target = { owner: "acme", repo: "platform-config" };

beforeAll(async () => {
  repo = await createTestRepo({ "policies/check.sh": "#!/bin/sh\necho checked\n", "policies/plain.rego": "package plain\n" });
  await repo.chmod("main", "policies/check.sh", "+x");
  const fake = new FakeGitHub(4242);
  fake.addRepository("acme", "platform-config", repo.dir);
  http = await serveFakeGitHub(fake);
}, 60_000);
afterAll(async () => {
  await http?.close();
  await repo?.remove();
});

describe("readFilesAt", () => {
  it("keeps a file's executable bit when it is read alone, within a folder, or both at once", async () => {
    const sha = await repo.sha("main");
    const github = githubClient("ghp_test", `${http.url}/api/v3`);
    const read = (requests: Parameters<typeof readFilesAt>[2]) => readFilesAt(github, target, requests, 1 << 20);
    const file = { oid: sha, path: "policies/check.sh" };
    const folder = { oid: sha, path: "policies", folder: true, probe: true };
    for (const requests of [[file], [folder], [file, folder]]) {
      const { files } = await read(requests);
      expect(files.get(keyOf(sha, "policies/check.sh"))).toMatchObject({ kind: "text", executable: true });
    }
    const { files } = await read([folder]);
    expect(files.get(keyOf(sha, "policies/plain.rego"))).toEqual({ kind: "text", text: "package plain\n", size: 14 });
  });
});
