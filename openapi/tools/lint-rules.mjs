// Proves that each SeQuIn Spectral rule can fail: lints a fixture that breaks every rule once and fails unless
// each rule reported it. Run with `npm run lint:rules` (CI step g).
import { execFileSync } from "node:child_process";

const expected = [
  "sequin-if-match-on-428",
  "sequin-created-location",
  "sequin-unauthorized-www-authenticate",
  "sequin-write-idempotency-key",
  "sequin-responses-open-for-extension",
  "sequin-body-example",
  "sequin-fhir-json-only",
];
let output;
try {
  output = execFileSync("npx", ["spectral", "lint", "lint-fixtures/breaks-every-rule.json", "--ruleset", "../.spectral.yaml", "-f", "json", "--quiet"],
    { encoding: "utf8" });
} catch (error) {
  // spectral exits non-zero when it finds errors, which is the point here.
  output = error.stdout;
}
const fired = new Set(JSON.parse(output).map((result) => result.code));
const silent = expected.filter((rule) => !fired.has(rule));
for (const rule of expected) {
  console.log(`${fired.has(rule) ? "fires " : "SILENT"} ${rule}`);
}
if (silent.length > 0) {
  console.error(`These rules did not fire on the fixture that breaks them: ${silent.join(", ")}`);
  process.exit(1);
}
