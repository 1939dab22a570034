// An integrator's first hour with SeQuIn, run against a live service by clients/run-scenarios.sh.
// The client is generated from openapi/sequin.v1.json (npm run generate); every call below is type-checked against
// it. Any answer the contract does not lead us to expect ends the run with exit code 1.
//
//   SEQUIN_BASE_URL     e.g. http://127.0.0.1:5080
//   SEQUIN_MEMBER_KEY   a unit-member key for the unit SEQUIN_UNIT_CODE (makes the assessment)
//   SEQUIN_ANALYST_KEY  an analyst key for the unit's network (lists units, reads benchmarks, exports)
//   SEQUIN_UNIT_CODE    the unit to assess (default YH-M01, the demo's)
import { randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/sequin.js";



const baseUrl = required("SEQUIN_BASE_URL");
const unitCode = process.env.SEQUIN_UNIT_CODE ?? "YH-M01";
const member = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${required("SEQUIN_MEMBER_KEY")}` } });
const analyst = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${required("SEQUIN_ANALYST_KEY")}` } });

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function expect(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`unexpected: ${what}`);
  console.log(`  ok  ${what}`);
}

function etagOf(response: Response): string {
  const etag = response.headers.get("ETag");
  expect(etag, `${response.url} sends an ETag`);
  return etag;
}

// 1. The active framework, then the same read made conditional: an unchanged resource answers 304 with no body.
const framework = await member.GET("/api/v1/frameworks/active");
expect(framework.data && framework.response.status === 200, "GET /frameworks/active answers 200");
console.log(`      active framework ${framework.data.identifier}: ${framework.data.areas.length} areas`);
const frameworkAgain = await member.GET("/api/v1/frameworks/active", {
  params: { header: { "If-None-Match": etagOf(framework.response) } },
});
expect(frameworkAgain.response.status === 304, "the same GET with If-None-Match answers 304 Not Modified");

// 2. Every unit of the network, a few at a time: follow nextCursor until it is null.
const units: components["schemas"]["UnitResponse"][] = [];
let cursor: string | undefined;
let pages = 0;
do {
  const page = await analyst.GET("/api/v1/units", { params: { query: { limit: 4, cursor } } });
  expect(page.data, `GET /units page ${++pages} answers 200`);
  units.push(...page.data.items);
  cursor = page.data.nextCursor ?? undefined;
} while (cursor);
expect(pages > 1 && new Set(units.map((u) => u.id)).size === units.length, `${units.length} units in ${pages} pages, none twice`);
const unit = units.find((u) => u.code === unitCode);
expect(unit, `unit ${unitCode} is among them`);

// 3. A month this unit has not assessed Involvement in yet (the demo has two years of history), found by paging too.
const assessed = await monthsAssessed(unit.id, "INV");
const month = freeMonth(assessed);
console.log(`      assessing INV for ${month}`);

async function monthsAssessed(unitId: string, areaCode: string): Promise<Set<string>> {
  const months = new Set<string>();
  let next: string | undefined;
  do {
    const { data } = await member.GET("/api/v1/assessments", { params: { query: { unitId, areaCode, limit: 100, cursor: next } } });
    expect(data, `GET /assessments (${areaCode} of this unit) answers 200`);
    for (const a of data.items) months.add(a.month);
    next = data.nextCursor ?? undefined;
  } while (next);
  return months;
}

function freeMonth(taken: Set<string>): string {
  const now = new Date();
  for (let back = 0; back < 120; back++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const m = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
    if (!taken.has(m)) return m;
  }
  throw new Error("no free month in the last ten years");
}

// 4. Create with an Idempotency-Key, then send the very same request again, as a client would after a time-out:
//    the service answers with the first answer and says so, rather than creating a second assessment or a 409.
const idempotencyKey = randomUUID();
const createBody = {
  unitId: unit.id,
  areaCode: "INV",
  month,
  participants: [
    { role: "staff" as const, label: "Ward nurse" },
    { role: "service-user" as const, label: "SU1" },
  ],
};
const created = await member.POST("/api/v1/assessments", {
  params: { header: { "Idempotency-Key": idempotencyKey } },
  body: createBody,
});
expect(created.data && created.response.status === 201, "POST /assessments answers 201");
expect(created.response.headers.get("Location")?.endsWith(`/api/v1/assessments/${created.data.id}`), "the 201 says where the assessment is (Location)");
const replay = await member.POST("/api/v1/assessments", {
  params: { header: { "Idempotency-Key": idempotencyKey } },
  body: createBody,
});
expect(replay.response.status === 201 && replay.data?.id === created.data.id, "the same request again answers the same 201 and the same id");
expect(replay.response.headers.get("Idempotent-Replayed") === "true", "the replay says Idempotent-Replayed: true");

// 5. Changes carry the ETag in If-Match. A change made with an ETag that is no longer current answers 412.
const id = created.data.id;
const read = await member.GET("/api/v1/assessments/{assessmentId}", { params: { path: { assessmentId: id } } });
expect(read.data, "GET /assessments/{id} answers 200");
const firstEtag = etagOf(read.response);
const standards = framework.data.areas.find((a) => a.code === "INV")?.standards ?? [];
expect(standards.length > 0, `the framework lists ${standards.length} Involvement standards`);
const ratings = { ratings: standards.map((s) => ({ standardCode: s.code, value: 3, notApplicable: false })) };
const rated = await member.PUT("/api/v1/assessments/{assessmentId}/ratings", {
  params: { path: { assessmentId: id }, header: { "If-Match": firstEtag, "Idempotency-Key": randomUUID() } },
  body: ratings,
});
expect(rated.data && rated.data.ratings.length === standards.length, "PUT /ratings with If-Match answers 200 with every standard rated");
let etag = etagOf(rated.response);
expect(etag !== firstEtag, "the change gave the assessment a new ETag");

const stale = await member.PUT("/api/v1/assessments/{assessmentId}/ratings", {
  params: { path: { assessmentId: id }, header: { "If-Match": firstEtag, "Idempotency-Key": randomUUID() } },
  body: ratings,
});
expect(stale.response.status === 412, "the same change with the old ETag answers 412 Precondition Failed");
expect(stale.response.headers.get("Content-Type")?.startsWith("application/problem+json"), "as application/problem+json");
expect(stale.error?.status === 412 && stale.error.type && stale.error.title, `with type, title and status ("${stale.error?.title}")`);

// 6. Bad input is answered with problem details naming each field, never a 500.
const invalid = await member.POST("/api/v1/assessments", {
  params: { header: { "Idempotency-Key": randomUUID() } },
  body: { ...createBody, month: "2026-13" },
});
expect(invalid.response.status === 400 || invalid.response.status === 422, `a month 2026-13 answers ${invalid.response.status}`);
const errors = (invalid.error as { errors?: Record<string, string[]> } | undefined)?.errors ?? {};
expect(errors.month?.length, `errors names month: "${errors.month?.[0]}"`);

// 7. A conditional GET of the assessment: unchanged since our ETag, so 304.
const unchanged = await member.GET("/api/v1/assessments/{assessmentId}", {
  params: { path: { assessmentId: id }, header: { "If-None-Match": etag } },
});
expect(unchanged.response.status === 304, "GET /assessments/{id} with If-None-Match answers 304");

// 8. Agree the area's rating and submit.
const agreed = await member.PUT("/api/v1/assessments/{assessmentId}/agreed-rating", {
  params: { path: { assessmentId: id }, header: { "If-Match": etag, "Idempotency-Key": randomUUID() } },
  body: { value: 3 },
});
expect(agreed.data, "PUT /agreed-rating answers 200");
etag = etagOf(agreed.response);
const submitted = await member.POST("/api/v1/assessments/{assessmentId}/submit", {
  params: { path: { assessmentId: id }, header: { "If-Match": etag, "Idempotency-Key": randomUUID() } },
});
expect(submitted.data?.status === "submitted", "POST /submit answers 200 and the assessment is submitted");
const writePosition = submitted.response.headers.get("SeQuIn-Write-Position") ?? undefined;

// 9. The unit's benchmark for that month includes the new result (SeQuIn-Read-After makes a replica wait for it).
const benchmark = await analyst.GET("/api/v1/benchmarks/units/{unitId}", {
  params: { path: { unitId: unit.id }, query: { month }, header: { "SeQuIn-Read-After": writePosition } },
});
// The same operation answers text/csv when asked (Accept); asked for nothing, it answers JSON.
const report = benchmark.data;
expect(report !== undefined && typeof report !== "string", "GET /benchmarks/units/{id} answers 200 with JSON");
const involvement = report.areas.find((a) => a.code === "INV");
expect(involvement?.score === 3, `the Involvement benchmark for ${month} has our score (3), rank ${involvement?.rank}`);

// 10. The ratings export as CSV: a header line, then one line per rating.
const csv = await analyst.GET("/api/v1/exports/ratings.csv", {
  params: { query: { from: month, to: month, unitCode: [unitCode], areaCode: ["INV"] } },
  parseAs: "text",
});
expect(csv.response.status === 200 && csv.response.headers.get("Content-Type")?.startsWith("text/csv"), "GET /exports/ratings.csv answers 200 text/csv");
const lines = (csv.data ?? "").split(/\r?\n/).filter((l) => l.length > 0);
console.log(lines.slice(0, 3).map((l) => `      ${l}`).join("\n"));
expect(lines.length === standards.length + 1, `the CSV has a header and ${standards.length} rows for our assessment`);

console.log("typescript scenario: all steps answered as the contract says");

