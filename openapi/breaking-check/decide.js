#!/usr/bin/env node
// Decides the breaking-change check from what Optic found, and prints a summary of it.
//
//   node decide.js <dir> <optic exit code>
//
// <dir> is where optic-check.sh ran `optic diff … --check --severity error --json`: changelog.json (its --json
// output: the changed operations), stderr, and ci-run-details.json (every rule's result; Optic 1.0.9's --json output
// has no check results, so they are read from the file Optic writes for `optic ci comment` when CI=true).
//
// Every failed check at severity error fails the check, except exactly one kind: Optic's rule "request and response
// property enums" reporting an enum option ADDED where a response uses the property ("cannot add enum option 'x'
// from 'y' property"). Optic counts that as breaking, which fails every value added to an enum shared by a request
// and a response (a role a client sends and reads back); our clients must ignore enum values they do not know in
// responses (docs/api-evolution.md), so it is a minor change. The same rule's "cannot remove enum option …" (a
// value a client may send is refused) still fails, as does every other rule's finding.
//
// Exit code: 0 no breaking change, 1 breaking change(s), 2 Optic did not produce results (e.g. an invalid spec).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SEVERITY_ERROR = 2; // Optic's Severity.Error, as selected by --severity error
const TOLERATED_RULE = 'request and response property enums';
const ADDED_ENUM_OPTION = /^cannot add enum options? '(.*)' from '(.*)' property\. This is a breaking change\.$/;
const WHY = 'clients ignore unknown enum values in responses, docs/api-evolution.md';

const [dir, opticExit] = process.argv.slice(2);
if (!dir || opticExit === undefined) {
    console.error('usage: node decide.js <dir> <optic exit code>');
    process.exit(2);
}

function read(name) {
    try { return fs.readFileSync(path.join(dir, name), 'utf8'); } catch { return undefined; }
}

function giveUp(reason) {
    console.log(`  ERROR ${reason} (optic exit ${opticExit})`);
    const stderr = (read('stderr') || '').trim();
    if (stderr) console.log(stderr.split('\n').map(l => `    ${l}`).join('\n'));
    process.exit(2);
}

let details;
try { details = JSON.parse(read('ci-run-details.json')); } catch { giveUp('Optic wrote no check results'); }
for (const f of details.failed || []) giveUp(`Optic could not compare the contracts: ${JSON.stringify(f.error)}`);
if (!(details.completed || []).length) {
    if ((details.noop || []).length && opticExit === '0') {
        console.log('  no changes');
        process.exit(0);
    }
    giveUp('Optic reported no comparison');
}

const results = details.completed.flatMap(c => c.comparison.results);
const warnings = details.completed.flatMap(c => c.warnings || []);

// What changed, from the --json changelog: how many operations were added, changed, removed.
let changed = '';
try {
    const counts = {};
    const operations = JSON.parse(read('changelog.json')).operations || [];
    for (const op of operations) counts[op.change] = (counts[op.change] || 0) + 1;
    const parts = Object.entries(counts).map(([change, n]) => `${n} ${change}`);
    changed = `operations: ${parts.length ? parts.join(', ') : 'none changed'}; `;
} catch { /* the summary only */ }

const failedChecks = results.filter(r => !r.passed && !r.exempted && r.severity >= SEVERITY_ERROR);
const tolerated = [];
const breaking = [];
for (const r of failedChecks) {
    const added = r.name === TOLERATED_RULE && ADDED_ENUM_OPTION.exec(r.error || '');
    if (added) tolerated.push({ values: added[1].split(', '), property: added[2], where: r.where });
    else breaking.push(r);
}

console.log(`  Optic breaking-changes rules: ${changed}${results.length} checks, ${failedChecks.length} failed`);
for (const w of warnings) console.log(`  warning: ${typeof w === 'string' ? w : JSON.stringify(w)}`);

// One line per tolerated finding (the same added value reached through several operations is listed under it).
const groups = new Map();
for (const t of tolerated) {
    const key = `${t.values.join('\u0000')}\u0001${t.property}`;
    if (!groups.has(key)) groups.set(key, { ...t, wheres: [] });
    groups.get(key).wheres.push(t.where);
}
for (const g of groups.values()) {
    const plural = g.values.length > 1 ? 's' : '';
    const values = g.values.map(v => `'${v}'`).join(', ');
    console.log(`  tolerated: added enum value${plural} ${values} to ${g.property} (${WHY})`);
    for (const where of g.wheres) console.log(`      at ${where}`);
}

for (const b of breaking) {
    console.log(`  BREAKING ${b.where}`);
    console.log(`      rule: ${b.name}`);
    console.log(`      ${b.error}`);
}

if (breaking.length) {
    console.log(`  failed: ${breaking.length} breaking change${breaking.length > 1 ? 's' : ''}` +
        (tolerated.length ? ` (${tolerated.length} tolerated finding${tolerated.length > 1 ? 's' : ''})` : ''));
    process.exit(1);
}
if (opticExit !== '0' && !failedChecks.length) giveUp('Optic failed without a failed check');
console.log(`  passed: no breaking change` +
    (tolerated.length ? ` (${tolerated.length} tolerated finding${tolerated.length > 1 ? 's' : ''})` : ''));
process.exit(0);
