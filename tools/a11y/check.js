#!/usr/bin/env node
// Accessibility check of cprstats HTML reports: axe-core run in headless Chromium.
//
//   node tools/a11y/check.js REPORT.html [MORE.html ...] [--screenshot OUT.png] [--tags wcag2a,wcag2aa,...]
//
// Loads each file (file://) in the system's Chromium (CHROMIUM env var, default /usr/bin/chromium;
// nothing is downloaded), injects axe.min.js from node_modules/axe-core, runs axe.run() on the
// whole page and prints one JSON object per file on stdout:
//   {"file", "lang", "violations": [{"id", "impact", "help", "helpUrl", "nodes": [{"target", "html"}]}],
//    "passes", "incomplete"}
// Exit status: 0 when no violation is "serious" or "critical", 1 when one is, 2 on a usage error or
// a page/browser failure. The network is blocked: a report must need nothing outside the file.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { pathToFileURL } = require("url");

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage", "--hide-scrollbars", "--font-render-hinting=none",
];
const BLOCKING = new Set(["serious", "critical"]);

function usage(msg) {
  if (msg) process.stderr.write(`check.js: ${msg}\n`);
  process.stderr.write("usage: node check.js REPORT.html [MORE.html ...] [--screenshot OUT.png] [--tags wcag2a,wcag2aa]\n");
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { files: [], screenshot: null, tags: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--screenshot") opts.screenshot = argv[++i] || usage("--screenshot needs a file name");
    else if (a === "--tags") opts.tags = (argv[++i] || usage("--tags needs a list")).split(",");
    else if (a === "-h" || a === "--help") usage();
    else if (a.startsWith("--")) usage(`unknown option ${a}`);
    else opts.files.push(a);
  }
  if (!opts.files.length) usage("give at least one HTML file");
  for (const f of opts.files) if (!fs.existsSync(f)) usage(`no such file: ${f}`);
  return opts;
}

async function checkOne(browser, file, opts, axeSource) {
  const page = await browser.newPage();
  try {
    await page.setViewport({ width: 1100, height: 900 });
    // Nothing may be fetched: a report is self-contained (file:// and data: only).
    await page.setRequestInterception(true);
    const blocked = [];
    page.on("request", (req) => {
      const url = req.url();
      if (url.startsWith("file:") || url.startsWith("data:") || url === "about:blank") req.continue();
      else { blocked.push(url); req.abort(); }
    });
    await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: "load", timeout: 60000 });
    await page.addScriptTag({ content: axeSource });
    const runOptions = opts.tags ? { runOnly: { type: "tag", values: opts.tags } } : {};
    const result = await page.evaluate(async (o) => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, o);
      const slim = (v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary })),
      });
      return {
        lang: document.documentElement.getAttribute("lang"),
        violations: r.violations.map(slim),
        incomplete: r.incomplete.map((v) => v.id),
        passes: r.passes.map((v) => v.id),
        axe: r.testEngine.version,
      };
    }, runOptions);
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot, fullPage: true });
    return { file, ...result, blocked };
  } finally {
    await page.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let puppeteer, axePath;
  try {
    puppeteer = require("puppeteer-core");
    axePath = require.resolve("axe-core/axe.min.js");
  } catch (e) {
    process.stderr.write(`check.js: run 'npm ci' in ${__dirname} first (${e.message})\n`);
    process.exit(2);
  }
  const axeSource = fs.readFileSync(axePath, "utf8");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "cprstats-a11y-"));
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [...FLAGS, `--user-data-dir=${profile}`],
    protocolTimeout: 120000,
  });
  let serious = 0;
  try {
    for (const file of opts.files) {
      const res = await checkOne(browser, file, opts, axeSource);
      serious += res.violations.filter((v) => BLOCKING.has(v.impact)).length;
      process.stdout.write(JSON.stringify(res) + "\n");
      for (const v of res.violations) {
        process.stderr.write(`${file}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} element(s))\n`);
      }
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.exit(serious ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`check.js: ${e && e.stack ? e.stack : e}\n`);
  process.exit(2);
});
