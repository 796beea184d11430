// The npm graphql-ws client, unchanged, against the hub's /graphql/ws:
// an anonymous client follows published postings; the demo college's
// token (connectionParams) follows new matches of its program; an unknown
// subscription and another college's program are refused with codes; a
// bad token is refused at connection_init.
// Usage: HUB_URL=http://127.0.0.1:8080 node subscriptions.test.mjs
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import assert from "node:assert/strict";

const hub = new URL(process.env.HUB_URL ?? "http://127.0.0.1:8080");
const url = new URL("/graphql/ws", hub);
url.protocol = "ws:";

function client(connectionParams) {
  return createClient({ url: url.href, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

/** The first event of a subscription, or its error. */
function first(c, query, variables) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event for ${query}`)), 30_000);
    const stop = c.subscribe(
      { query, variables },
      {
        next: (value) => { clearTimeout(timer); stop(); resolve({ value }); },
        error: (error) => { clearTimeout(timer); resolve({ error }); },
        complete: () => {},
      },
    );
  });
}

async function publish(title, code) {
  const response = await fetch(new URL("/graphql", hub), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer hub_demo_association" },
    body: JSON.stringify({
      query: `mutation($title: String!, $code: String!) { createDemandPosting(input: {
        associationId: "SW5kdXN0cnlBc3NvY2lhdGlvbjox", title: $title, headcount: 4,
        occupationCodes: [$code], publish: true }) { userErrors { message } } }`,
      variables: { title, code },
    }),
  });
  const body = await response.json();
  assert.deepEqual(body.data.createDemandPosting.userErrors, []);
}

const anonymous = client({});
const college = client({ Authorization: "Bearer hub_demo_college" });
try {
  const published = first(anonymous, `subscription { demandPostingPublished(filter: { occupationCode: "6-18" }) { title status } }`);
  const matched = first(college, `subscription($p: ID!) { newMatches(programId: $p) { score object { ... on DemandPosting { title } } } }`, { p: "UHJvZ3JhbToy" });
  await new Promise((r) => setTimeout(r, 1_000));
  await publish("数控车床操作工（graphql-ws 检查）", "6-18-01-01");

  const event = await published;
  assert.equal(event.value?.data?.demandPostingPublished?.title, "数控车床操作工（graphql-ws 检查）");
  const match = await matched;
  assert.equal(match.value?.data?.newMatches?.object?.title, "数控车床操作工（graphql-ws 检查）");
  assert.ok(match.value.data.newMatches.score >= 0.5);

  const unknown = await first(anonymous, `subscription { noSuchThing }`);
  assert.equal(unknown.error?.[0]?.extensions?.code, "GRAPHQL_VALIDATION_FAILED", JSON.stringify(unknown));
  const forbidden = await first(anonymous, `subscription { newMatches(programId: "UHJvZ3JhbToy") { score } }`);
  assert.equal(forbidden.error?.[0]?.extensions?.code, "UNAUTHENTICATED", JSON.stringify(forbidden));

  const impostor = client({ Authorization: "Bearer hub_not_a_token" });
  const refused = await first(impostor, `subscription { demandPostingPublished { title } }`);
  assert.equal(refused.error?.code, 4403, `closed with ${refused.error?.code}`);
  await impostor.dispose();
} finally {
  await anonymous.dispose();
  await college.dispose();
}
console.log("graphql-ws check passed: postings and matches followed, refusals coded");
