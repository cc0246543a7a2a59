import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

export interface GitObject {
  oid: string;
  type: "blob" | "tree" | "commit" | "tag";
  content: Buffer;
}

/**
 * One long-lived `git cat-file --batch` per repository: the fake answers hundreds of object reads per
 * request, and a process per read would make it, not Gitgate, the slow part of every test.
 */
export class CatFile {
  private child: ChildProcessWithoutNullStreams | undefined;
  private buffer = Buffer.alloc(0);
  private readonly pending: { resolve(value: GitObject | undefined): void; reject(error: Error): void }[] = [];

  constructor(private readonly dir: string) {}

  read(expression: string): Promise<GitObject | undefined> {
    if (/[\n\r]/.test(expression)) return Promise.resolve(undefined);
    const child = (this.child ??= this.start());
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      child.stdin.write(`${expression}\n`);
    });
  }

  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn("git", ["-C", this.dir, "cat-file", "--batch"], { stdio: ["pipe", "pipe", "pipe"] });
    child.unref();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    child.stdout.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    child.on("exit", () => {
      this.child = undefined;
      for (const waiter of this.pending.splice(0)) waiter.reject(new Error("git cat-file exited"));
    });
    return child;
  }

  private drain(): void {
    while (this.pending.length > 0) {
      const headerEnd = this.buffer.indexOf(0x0a);
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString();
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        this.buffer = this.buffer.subarray(headerEnd + 1);
        this.pending.shift()!.resolve(undefined);
        continue;
      }
      const [oid, type, size] = header.split(" ");
      const length = Number(size);
      if (this.buffer.length < headerEnd + 1 + length + 1) return;
      const content = Buffer.from(this.buffer.subarray(headerEnd + 1, headerEnd + 1 + length));
      this.buffer = this.buffer.subarray(headerEnd + 1 + length + 1);
      this.pending.shift()!.resolve({ oid: oid!, type: type as GitObject["type"], content });
    }
  }
}
