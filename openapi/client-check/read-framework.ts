// What a front-end developer would write against the SeQuIn contract: read
// the active quality framework and print its areas, standards and scale.
// Only type-checked (tsc --noEmit) in CI: it proves the generated types from
// openapi/sequin.v1.json are usable. Run `npm run client` in openapi/tools.
import type { paths } from "./generated/sequin.js";

type ActiveFramework =
  paths["/api/v1/frameworks/active"]["get"]["responses"][200]["content"]["application/json"];

type Area = NonNullable<ActiveFramework["areas"]>[number];
type Standard = NonNullable<Area["standards"]>[number];
type ScalePoint = NonNullable<ActiveFramework["scale"]>[number];

const DEFAULT_BASE_URL = "http://127.0.0.1:5080";

export async function fetchActiveFramework(baseUrl: string = DEFAULT_BASE_URL): Promise<ActiveFramework> {
  const response = await fetch(new URL("/api/v1/frameworks/active", baseUrl), {
    headers: { Accept: "application/json" },
  });
  if (!response.ok) {
    // Errors are application/problem+json: show title/detail when present.
    const problem: unknown = await response.json().catch(() => undefined);
    throw new Error(`GET /api/v1/frameworks/active failed: ${response.status} ${JSON.stringify(problem)}`);
  }
  return (await response.json()) as ActiveFramework;
}

function easyRead(text: string | null | undefined): string {
  return text ? ` (easy read: ${text})` : "";
}

export function describeFramework(framework: ActiveFramework): string[] {
  const lines: string[] = [];
  lines.push("Scale:");
  for (const point of framework.scale ?? []) {
    const p: ScalePoint = point;
    lines.push(`  ${p.value} = ${p.label}${easyRead(p.easyReadLabel)}`);
  }
  for (const area of framework.areas ?? []) {
    const a: Area = area;
    lines.push(`${a.code} ${a.name}${easyRead(a.easyReadName)}`);
    for (const standard of a.standards ?? []) {
      const s: Standard = standard;
      lines.push(`  ${s.code} ${s.statement}${easyRead(s.easyReadStatement)}`);
    }
  }
  return lines;
}

export async function main(baseUrl: string = DEFAULT_BASE_URL): Promise<void> {
  const framework = await fetchActiveFramework(baseUrl);
  for (const line of describeFramework(framework)) {
    console.log(line);
  }
}
