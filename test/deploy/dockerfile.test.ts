import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import picomatch from "picomatch";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

// No Docker engine on this machine or in CI: the Dockerfile is linted and its stages checked here,
// against the repository it is built from. (Build it where an engine is: `docker build -t gitgate:0.1.0 .`.)
const root = fileURLToPath(new URL("../../", import.meta.url));
const text = readFileSync(join(root, "Dockerfile"), "utf8");
const dockerfile = DockerfileParser.parse(text);
const ignored = picomatch(
  readFileSync(join(root, ".dockerignore"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")).flatMap((p) => [p, `${p}/**`]),
  { dot: true },
);

/** The instructions of each stage, by stage name. */
function stages(): Map<string, Instruction[]> {
  const byStage = new Map<string, Instruction[]>();
  let current: Instruction[] | undefined;
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      const name = instruction.getExpandedArguments().at(-1)!.getValue();
      current = [];
      byStage.set(name, current);
    }
    current?.push(instruction);
  }
  return byStage;
}
const args = (i: Instruction) => i.getExpandedArguments().map((a) => a.getValue());

describe("the Dockerfile", () => {
  it("has no lint problem", () => {
    expect(validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it("builds from base images pinned to exact releases, in four stages ending with the runtime", () => {
    const froms = dockerfile.getFROMs();
    expect(froms.map((f) => f.getBuildStage())).toEqual(["opa", "render", "build", "runtime"]);
    for (const from of froms) {
      const [image] = args(from);
      expect(image, from.getTextContent()).toMatch(/^[a-z0-9/.-]+:\d+\.\d+\.\d+(-[a-z0-9-]+)?(@sha256:[0-9a-f]{64})?$/);
    }
    // The OPA image is the version Gitgate is pinned to.
    const pinned = /pinnedOpaVersion = "v([\d.]+)"/.exec(readFileSync(join(root, "src/opa/opa-binary.ts"), "utf8"))![1];
    expect(args(froms[0]!)[0]).toBe(`openpolicyagent/opa:${pinned}-static`);
    // Node.js as the tests run it.
    const nodeDev = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies.node!;
    expect(args(froms[2]!)[0]).toBe(`node:${nodeDev.replace(/^\^/, "")}-bookworm-slim`);
  });

  it("copies only what exists in the build context and the .dockerignore lets through", () => {
    const stageNames = new Set(dockerfile.getFROMs().map((f) => f.getBuildStage()));
    for (const copy of dockerfile.getCOPYs()) {
      const from = copy.getFromFlag()?.getValue();
      if (from) {
        expect(stageNames.has(from) || from === undefined, copy.getTextContent()).toBe(true);
        continue;
      }
      for (const source of args(copy).filter((a) => !a.startsWith("--")).slice(0, -1)) {
        expect(existsSync(join(root, source)), `${source} in ${copy.getTextContent()}`).toBe(true);
        expect(ignored(source.replace(/\/$/, "")), `.dockerignore excludes ${source}`).toBe(false);
      }
    }
  });

  it("runs the built server as a non-root user, with a health check on the server's /healthz", () => {
    const runtime = stages().get("runtime")!;
    const user = runtime.filter((i) => i.getKeyword() === "USER").at(-1);
    expect(user && args(user)[0]).toMatch(/^(?!root$|0$)[a-z_][a-z0-9_-]*$/);
    // The runtime takes dist/ from the build stage, whose `npm run build` compiles src/ into it.
    const build = stages().get("build")!;
    expect(build.some((i) => i.getKeyword() === "RUN" && /npm run build$/.test(i.getArgumentsContent() ?? ""))).toBe(true);
    expect(runtime.some((i) => i.getKeyword() === "COPY" && /--from=build \/app\/dist \.\/dist/.test(i.getTextContent()))).toBe(true);
    const tsconfig = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8")) as { compilerOptions: { rootDir: string; outDir: string } };
    const cmd = JSON.parse(runtime.find((i) => i.getKeyword() === "CMD")!.getArgumentsContent()!) as string[];
    expect(cmd[0]).toBe("node");
    const entry = cmd[1]!;
    expect(entry.startsWith(`${tsconfig.compilerOptions.outDir}/`)).toBe(true);
    expect(existsSync(join(root, entry.replace(tsconfig.compilerOptions.outDir, tsconfig.compilerOptions.rootDir).replace(/\.js$/, ".ts")))).toBe(true);

    const health = runtime.find((i) => i.getKeyword() === "HEALTHCHECK")!.getTextContent();
    expect(health).toContain("/healthz");
    const port = runtime.find((i) => i.getKeyword() === "ENV")!.getTextContent();
    expect(port).toMatch(/PORT=3000/);
    expect(port).toMatch(/HOST=0\.0\.0\.0/);
    expect(args(runtime.find((i) => i.getKeyword() === "EXPOSE")!)).toEqual(["3000"]);
    // What the image's probes and the Kubernetes manifests ask for, the server serves.
    const handler = readFileSync(join(root, "src/app/health-handler.ts"), "utf8");
    const deployment = parse(readFileSync(join(root, "deploy/kubernetes/deployment.yaml"), "utf8")) as {
      spec: { template: { spec: { containers: { image: string; readinessProbe: { httpGet: { path: string } }; livenessProbe: { httpGet: { path: string } } }[] } } };
    };
    const container = deployment.spec.template.spec.containers[0]!;
    for (const path of ["/healthz", container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path]) expect(handler).toContain(`"${path}"`);
    // The manifests run the image this Dockerfile produces under the documented tag, not an imaginary registry's.
    expect(container.image).toBe("gitgate:0.1.0");
    expect(readFileSync(join(root, "docs/operations.md"), "utf8")).toContain("docker build -t gitgate:0.1.0 .");
  });
});
