// The gap page at `/gap` in a real headless Chromium (Debian's
// /usr/bin/chromium): it loads with no request leaving the hub, draws the
// bars of the demo data, changes when a control changes, and its CSV link
// downloads the same table (UTF-8 with BOM).
// Usage: HUB_URL=http://127.0.0.1:8080 node gap.test.mjs [screenshot.png]
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const hub = new URL(process.env.HUB_URL ?? "http://127.0.0.1:8080");
const screenshot = process.argv[2];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const elsewhere = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol !== "data:" && url.origin !== hub.origin) elsewhere.push(request.url());
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));

  await page.goto(new URL("/gap", hub).href, { waitUntil: "networkidle" });
  // The demo data over the school year: bars for shortages and surpluses.
  await page.waitForFunction(() => document.body.dataset.drawn?.startsWith("OCCUPATION|"), null, { timeout: 30_000 });
  const bars = async (kind) =>
    page.$$eval(`#${kind} .row`, (rows) => rows.map((row) => ({
      key: row.dataset.key,
      width: parseFloat(row.querySelector(".bar").style.width),
    })));
  const surpluses = await bars("surpluses");
  const shortages = await bars("shortages");
  assert.ok(surpluses.length > 0, "surplus bars are drawn");
  assert.ok(shortages.length > 0, "shortage bars are drawn");
  assert.equal(Math.max(...surpluses.map((b) => b.width)), 100, "the largest bar spans the track");
  assert.ok(surpluses.some((b) => b.key === "6-31-07-01" || b.key === "6-31-07-03"), JSON.stringify(surpluses));
  const regions = await page.$$eval("#region option", (options) => options.length);
  assert.ok(regions > 5, `the region control lists the regions (${regions})`);

  // Another grouping: the bars change to catalogue classes.
  await page.selectOption("#groupBy", "CATALOGUE_CLASS");
  await page.waitForFunction(() => document.body.dataset.drawn?.startsWith("CATALOGUE_CLASS|"), null, { timeout: 30_000 });
  const classes = await bars("surpluses");
  assert.ok(classes.length > 0, "bars for catalogue classes");
  assert.ok(classes.some((b) => /^\d{4}$/.test(b.key)), JSON.stringify(classes));
  assert.notDeepEqual(classes.map((b) => b.key), surpluses.map((b) => b.key), "the bars changed");

  // A district narrows the figures.
  await page.selectOption("#region", "220211");
  await page.waitForFunction(() => document.body.dataset.drawn?.includes("|220211|"), null, { timeout: 30_000 });
  const totals = await page.locator("#totals").innerText();
  assert.match(totals, /需求/, totals);

  // The CSV link: the same table, UTF-8 with BOM, Chinese header.
  const href = await page.getAttribute("#csv", "href");
  const csv = await fetch(new URL(href, hub));
  assert.equal(csv.status, 200);
  const bytes = new Uint8Array(await csv.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], "the CSV starts with a UTF-8 BOM");
  const text = new TextDecoder().decode(bytes.slice(3));
  assert.match(text.split("\r\n")[0], /^分组代码 \(key\),分组名称 \(label\),需求人数 \(demand\)/);

  if (screenshot) await page.screenshot({ path: screenshot });
  if (elsewhere.length > 0) failures.push(`requests left the hub: ${elsewhere.join(", ")}`);
  if (errors.length > 0) failures.push(`script errors: ${errors.join("; ")}`);
} catch (error) {
  failures.push(String(error?.stack ?? error));
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error(`gap page check failed:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
console.log("gap page check passed: bars drawn offline, controls redraw, CSV downloads");
