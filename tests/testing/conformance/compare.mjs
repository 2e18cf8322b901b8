#!/usr/bin/env node
// Copied from /work/shared/conformance/compare.mjs (the project's shared conformance kit,
// recorded against the real Talkomatic Classic server v2.3.0). Only change: the
// npm: specifier is replaced by the bare name from deno.json's imports map.
// Compare two normalized traces written by scenario.mjs, step by step and
// client by client.
//
//   node compare.mjs <a.json> <b.json> [--ordered | --ignore-order-within-step]
//                    [--allow-extra] [--verbose] [--max-diff-lines N]
//
// a is the reference (normally the real server), b the candidate.  Counted
// items are the entries of kind event / http / lifecycle in a (Y).  An item of
// a matches when b has an identical item (kind, name, payload) for the same
// step and client.  Default mode: per client the order within a step must be
// the same (--ordered); --ignore-order-within-step compares each step's
// per-client items as a multiset.  Cross-client interleaving is never compared
// (the traces store per-client order only).
// Exit 0 when all Y items match and b has no extra items (extras are allowed
// with --allow-extra), 1 otherwise, 2 on usage errors.

import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const opts = { ignoreOrder: false, allowExtra: false, verbose: false, maxDiffLines: 8 };
const files = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--ignore-order-within-step" || a === "--multiset") opts.ignoreOrder = true;
  else if (a === "--ordered") opts.ignoreOrder = false;
  else if (a === "--allow-extra") opts.allowExtra = true;
  else if (a === "--verbose" || a === "-v") opts.verbose = true;
  else if (a === "--max-diff-lines") opts.maxDiffLines = Number(args[++i]);
  else if (a === "--help" || a === "-h") usage(0);
  else if (a.startsWith("--")) usage(2, `unknown option ${a}`);
  else files.push(a);
}
if (files.length !== 2) usage(2);

function usage(code, msg) {
  if (msg) console.error(msg);
  console.error("usage: node compare.mjs <a.json> <b.json> [--ordered | --ignore-order-within-step] [--allow-extra] [--verbose] [--max-diff-lines N]");
  process.exit(code);
}

function load(f) {
  let t;
  try {
    t = JSON.parse(readFileSync(f, "utf8"));
  } catch (e) {
    console.error(`cannot read ${f}: ${e.message}`);
    process.exit(2);
  }
  if (!t || !Array.isArray(t.entries)) {
    console.error(`${f}: not a trace (no entries array)`);
    process.exit(2);
  }
  return t;
}
const A = load(files[0]);
const B = load(files[1]);

// ------------------------------------------------------------------ helpers
const COUNTED = new Set(["event", "http", "lifecycle"]);
function canon(v) {
  if (Array.isArray(v)) return `[${v.map(canon).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(",")}}`;
  return v === undefined ? "undefined" : JSON.stringify(v);
}
const keyOf = (e) => `${e.kind}\u0000${e.name}\u0000${"payload" in e ? canon(e.payload) : "-"}`;
const labelOf = (e) => `${e.kind === "event" ? "" : `${e.kind} `}"${e.name}"`;
function short(v, n = 140) {
  const s = v === undefined ? "(no payload)" : JSON.stringify(v);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Group a trace: Map step -> Map client -> entries[] (counted kinds only). */
function group(t) {
  const steps = new Map();
  const order = [];
  for (const s of t.steps || []) if (!steps.has(s.name)) {
    steps.set(s.name, new Map());
    order.push(s.name);
  }
  for (const e of t.entries) {
    if (!steps.has(e.step)) {
      steps.set(e.step, new Map());
      order.push(e.step);
    }
    if (!COUNTED.has(e.kind)) continue;
    const m = steps.get(e.step);
    if (!m.has(e.client)) m.set(e.client, []);
    m.get(e.client).push(e);
  }
  return { steps, order };
}

/** Recursive compact diff, lines like `.users[1].username: "Bob" ≠ "Bobby"`. */
function diffValues(a, b, path, out) {
  if (out.length >= opts.maxDiffLines) return;
  if (canon(a) === canon(b)) return;
  const isObj = (x) => x && typeof x === "object" && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (out.length >= opts.maxDiffLines) return;
      const p = `${path}.${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}`;
      if (!(k in b)) out.push(`${p}: only in a = ${short(a[k], 100)}`);
      else if (!(k in a)) out.push(`${p}: only in b = ${short(b[k], 100)}`);
      else diffValues(a[k], b[k], p, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path || "(payload)"}: array length ${a.length} ≠ ${b.length}`);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (out.length >= opts.maxDiffLines) return;
      if (i >= a.length) out.push(`${path}[${i}]: only in b = ${short(b[i], 100)}`);
      else if (i >= b.length) out.push(`${path}[${i}]: only in a = ${short(a[i], 100)}`);
      else diffValues(a[i], b[i], `${path}[${i}]`, out);
    }
    return;
  }
  out.push(`${path || "(payload)"}: ${short(a, 100)} ≠ ${short(b, 100)}`);
}
function entryDiff(ea, eb) {
  const out = [];
  if (ea.kind !== eb.kind) out.push(`kind: ${ea.kind} ≠ ${eb.kind}`);
  if (!("payload" in ea) && "payload" in eb) out.push(`payload: none in a, b has ${short(eb.payload, 100)}`);
  else if ("payload" in ea && !("payload" in eb)) out.push(`payload: a has ${short(ea.payload, 100)}, none in b`);
  else diffValues(ea.payload, eb.payload, "", out);
  if (out.length >= opts.maxDiffLines) out.push("…");
  return out;
}

/** Match two lists; returns {matched, missing: idx[] of a, extra: idx[] of b}. */
function matchLists(la, lb) {
  const ka = la.map(keyOf);
  const kb = lb.map(keyOf);
  const usedA = new Array(la.length).fill(false);
  const usedB = new Array(lb.length).fill(false);
  let matched = 0;
  if (opts.ignoreOrder) {
    for (let i = 0; i < ka.length; i++) {
      const j = kb.findIndex((k, jj) => !usedB[jj] && k === ka[i]);
      if (j >= 0) {
        usedA[i] = usedB[j] = true;
        matched++;
      }
    }
  } else {
    // longest common subsequence
    const n = ka.length;
    const m = kb.length;
    const L = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = ka[i] === kb[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    for (let i = 0, j = 0; i < n && j < m; ) {
      if (ka[i] === kb[j]) {
        usedA[i] = usedB[j] = true;
        matched++;
        i++;
        j++;
      } else if (L[i + 1][j] >= L[i][j + 1]) i++;
      else j++;
    }
  }
  return { matched, missing: la.map((_, i) => i).filter((i) => !usedA[i]), extra: lb.map((_, j) => j).filter((j) => !usedB[j]) };
}

// ------------------------------------------------------------------ compare
const ga = group(A);
const gb = group(B);
const CLIENT_RANK = (c) => ["A", "B", "C", "D"].indexOf(c) >>> 0;
let Y = 0;
let X = 0;
let extraTotal = 0;
let stepsWithProblems = 0;
const lines = [];

if (A.scenario && B.scenario && A.scenario !== B.scenario) lines.push(`note: different scenarios: a=${A.scenario} b=${B.scenario}`);
for (const [name, t] of [["a", A], ["b", B]]) if (t.meta?.contaminated) lines.push(`note: trace ${name} is marked CONTAMINATED (other users were active on that server): ${JSON.stringify(t.meta.contamination)}`);

// where else does an entry occur in b (to explain "missing" items that arrived in another step)
const bLocations = new Map();
for (const [step, m] of gb.steps) for (const [client, list] of m) for (const e of list) {
  const k = `${client}\u0000${keyOf(e)}`;
  if (!bLocations.has(k)) bLocations.set(k, []);
  bLocations.get(k).push(step);
}
const stepIndexA = new Map(ga.order.map((s, i) => [s, i + 1]));
const actionsA = new Map((A.steps || []).map((s) => [s.name, canon(s.actions ?? null)]));
const actionsB = new Map((B.steps || []).map((s) => [s.name, canon(s.actions ?? null)]));

for (const step of ga.order) {
  const ma = ga.steps.get(step);
  const mb = gb.steps.get(step);
  const out = [];
  let stepY = 0;
  let stepX = 0;
  let stepExtra = 0;
  if (!mb) out.push(`  (step missing in b)`);
  else if (actionsA.has(step) && actionsB.has(step) && actionsA.get(step) !== actionsB.get(step)) out.push(`  note: the scenario actions of this step differ between a and b`);
  const clients = [...new Set([...ma.keys(), ...(mb ? mb.keys() : [])])].sort((x, y) => CLIENT_RANK(x) - CLIENT_RANK(y) || (x < y ? -1 : 1));
  for (const client of clients) {
    const la = ma.get(client) || [];
    const lb = (mb && mb.get(client)) || [];
    stepY += la.length;
    const { matched, missing, extra } = matchLists(la, lb);
    stepX += matched;
    // pair unmatched items with the same kind+name as "different"
    const extraLeft = [...extra];
    for (const i of missing) {
      const ea = la[i];
      const jPos = extraLeft.findIndex((j) => lb[j].kind === ea.kind && lb[j].name === ea.name);
      const nth = la.slice(0, i + 1).filter((e) => e.name === ea.name).length;
      const same = extraLeft.findIndex((j) => keyOf(lb[j]) === keyOf(ea));
      if (same >= 0) {
        // identical item at another position (only possible in ordered mode)
        out.push(`  [${client}] out of order ${labelOf(ea)}: position ${i + 1} in a, ${extraLeft[same] + 1} in b (of ${client}'s items in this step)`);
        extraLeft.splice(same, 1);
      } else if (jPos >= 0) {
        const eb = lb[extraLeft[jPos]];
        extraLeft.splice(jPos, 1);
        out.push(`  [${client}] different ${labelOf(ea)} (#${nth} of that name for ${client}):`);
        for (const l of entryDiff(ea, eb)) out.push(`        ${l}`);
      } else {
        const elsewhere = (bLocations.get(`${client}\u0000${keyOf(ea)}`) || []).filter((s) => s !== step);
        const where = elsewhere.length ? ` (b has it in step ${elsewhere.map((s) => (stepIndexA.has(s) ? `${stepIndexA.get(s)} "${s}"` : `"${s}" (b only)`)).join(", ")})` : "";
        out.push(`  [${client}] missing   ${labelOf(ea)} ${short(ea.payload)}${where}`);
      }
    }
    // items of b paired above as "different"/"out of order" are not counted as extra
    stepExtra += extraLeft.length;
    for (const j of extraLeft) out.push(`  [${client}] extra     ${labelOf(lb[j])} ${short(lb[j].payload)}`);
  }
  Y += stepY;
  X += stepX;
  extraTotal += stepExtra;
  const bad = stepX < stepY || stepExtra > 0;
  if (bad) stepsWithProblems++;
  if (bad || opts.verbose) {
    lines.push(`step ${stepIndexA.get(step)} "${step}": ${stepX}/${stepY} match${stepExtra ? `, ${stepExtra} extra` : ""}`);
    lines.push(...out);
  }
}
for (const step of gb.order) {
  if (ga.steps.has(step)) continue;
  const m = gb.steps.get(step);
  const n = [...m.values()].reduce((s, l) => s + l.length, 0);
  extraTotal += n;
  lines.push(`step "${step}" only in b: ${n} extra item(s)`);
  for (const [client, list] of m) for (const e of list) lines.push(`  [${client}] extra     ${labelOf(e)} ${short(e.payload)}`);
  stepsWithProblems++;
}

for (const l of lines) console.log(l);
const pct = Y === 0 ? 100 : X === Y ? 100 : Math.floor((1000 * X) / Y) / 10;
console.log(`mode: ${opts.ignoreOrder ? "ignore order within step (multiset per client)" : "ordered per client"}; ${ga.order.length} steps in a, ${stepsWithProblems} with differences`);
console.log(`conformance: ${X}/${Y} events match (${pct}%)${extraTotal ? `; ${extraTotal} extra in b${opts.allowExtra ? " (allowed)" : ""}` : ""}`);
process.exit(X === Y && (extraTotal === 0 || opts.allowExtra) ? 0 : 1);
