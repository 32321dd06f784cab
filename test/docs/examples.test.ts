/**
 * The docs' runnable examples run: every ```ts block after an `<!-- example-test: stdout /re/flags -->`
 * marker in README.md and docs/*.md is written beside the sources (its imports are "./src/..."),
 * run with tsx, and must exit 0 with nothing on stderr and print what the marker's pattern says.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MARKER = /<!-- example-test: stdout \/(.+)\/([a-z]*) -->\n```ts\n([\s\S]*?)```/g;

interface Example {
  file: string;
  index: number;
  pattern: RegExp;
  code: string;
}

function examples(): Example[] {
  const files = ["README.md", ...readdirSync(join(ROOT, "docs")).map((f) => join("docs", f))].filter((f) =>
    f.endsWith(".md"),
  );
  const out: Example[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), "utf8");
    let i = 0;
    for (const m of text.matchAll(MARKER))
      out.push({ file, index: i++, pattern: new RegExp(m[1], m[2]), code: m[3] });
  }
  return out;
}

describe("docs: the runnable examples run and print what the docs say", () => {
  const all = examples();
  it("finds the marked examples (ke, keepalive, simulate x2)", () => {
    assert.ok(all.length >= 4, `${all.length} examples found`);
  });
  for (const ex of all) {
    it(`${ex.file} example ${ex.index + 1}`, () => {
      const path = join(ROOT, `.doc-example-${process.pid}-${ex.file.replace(/\W/g, "_")}-${ex.index}.ts`);
      writeFileSync(path, ex.code);
      try {
        const r = spawnSync(process.execPath, ["--import", "tsx", path], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.match(r.stdout, ex.pattern);
      } finally {
        rmSync(path, { force: true });
      }
    });
  }
});
