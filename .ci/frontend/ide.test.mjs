// The IDE at `/` in a real headless Chromium (Debian's /usr/bin/chromium):
// it loads with no request leaving the hub, its docs explorer shows the
// root types, and a starter operation runs and shows data.
// Usage: HUB_URL=http://127.0.0.1:8080 node ide.test.mjs [screenshot.png]
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const hub = new URL(process.env.HUB_URL ?? "http://127.0.0.1:8080");
const screenshot = process.argv[2];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const elsewhere = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol !== "data:" && url.origin !== hub.origin) {
      elsewhere.push(request.url());
    }
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));

  await page.goto(hub.href, { waitUntil: "networkidle" });
  await page.waitForSelector(".graphiql-container", { timeout: 30_000 });
  // The first starter tab is the README's first example.
  const editor = await page.locator(".graphiql-query-editor").innerText();
  assert.match(editor, /industryAssociations/, "the first tab holds the README's first example");

  // Run it and wait for data in the result pane.
  await page.locator(".graphiql-execute-button").click();
  await page.waitForFunction(
    () => document.querySelector(".result-window")?.textContent?.includes("吉林市装备制造业协会"),
    null,
    { timeout: 30_000 },
  );
  const result = await page.locator(".result-window").innerText();
  assert.match(result, /"data"/, "the result shows data");
  assert.doesNotMatch(result, /"errors"/, "the example runs without errors");

  // The docs explorer lists the root types.
  await page.locator('button[aria-label="Show Documentation Explorer"]').click();
  await page.waitForSelector(".graphiql-doc-explorer", { timeout: 30_000 });
  await page.waitForFunction(
    () => document.querySelector(".graphiql-doc-explorer")?.textContent?.includes("QueryRoot"),
    null,
    { timeout: 30_000 },
  );
  const docs = await page.locator(".graphiql-doc-explorer").innerText();
  assert.match(docs, /QueryRoot/, "the docs explorer shows the query root");
  assert.match(docs, /MutationRoot/, "the docs explorer shows the mutation root");

  assert.match(docs, /SubscriptionRoot/, "the docs explorer shows the subscription root");

  // The subscription tab runs over the hub's WebSocket: a posting
  // published meanwhile shows up in the result pane.
  // Publish only once the page's socket has sent its subscribe message.
  const subscribed = new Promise((resolve) => {
    page.on("websocket", (socket) => {
      socket.on("framesent", (frame) => {
        if (String(frame.payload).includes('"subscribe"')) resolve(true);
      });
    });
  });
  await page.locator(".graphiql-tab", { hasText: "NewDemandForOurProgram" }).click();
  await page.waitForFunction(
    () => document.querySelector(".graphiql-query-editor")?.textContent?.includes("newMatches"),
    null,
    { timeout: 30_000 },
  );
  // GraphiQL settles the tab switch a moment after the editor shows it;
  // a run started before that runs the previous tab, so try again.
  let sent = false;
  for (let attempt = 0; attempt < 3 && !sent; attempt++) {
    await page.waitForTimeout(500);
    await page.locator(".graphiql-execute-button").click();
    sent = await Promise.race([subscribed, new Promise((r) => setTimeout(() => r(false), 5_000))]);
  }
  assert.ok(sent, "the IDE opened the socket and subscribed");
  await page.waitForTimeout(1_000);
  const published = await fetch(new URL("/graphql", hub), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer hub_demo_association" },
    body: JSON.stringify({
      query: `mutation { createDemandPosting(input: { associationId: "SW5kdXN0cnlBc3NvY2lhdGlvbjox",
        title: "数控车床操作工（IDE 订阅检查）", headcount: 3, occupationCodes: ["6-18-01-01"], publish: true })
        { userErrors { message } } }`,
    }),
  });
  assert.equal(published.status, 200, "the posting is published");
  await page.waitForFunction(
    () => document.querySelector(".result-window")?.textContent?.includes("IDE 订阅检查"),
    null,
    { timeout: 30_000 },
  );
  const live = await page.locator(".result-window").innerText();
  assert.doesNotMatch(live, /"errors"/, "the subscription runs without errors");
  // Stop it (the execute button stops a running subscription).
  await page.locator(".graphiql-execute-button").click();

  // Several tabs: one per README example.
  const tabs = await page.locator(".graphiql-tab").count();
  assert.ok(tabs >= 4, `one tab per README example, found ${tabs}`);

  if (screenshot) {
    await page.screenshot({ path: screenshot });
  }
  if (elsewhere.length > 0) {
    failures.push(`requests left the hub: ${elsewhere.join(", ")}`);
  }
  if (errors.length > 0) {
    failures.push(`script errors: ${errors.join("; ")}`);
  }
} catch (error) {
  failures.push(String(error?.stack ?? error));
} finally {
  await browser.close();
}
if (failures.length > 0) {
  console.error(`IDE check failed:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
console.log("IDE check passed: GraphiQL loads offline, runs an example and a subscription, shows the docs");
