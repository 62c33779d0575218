// Drive Home Assistant's frontend in Debian's headless Chromium, logged in, one command at a time.
// Start input (the first stdin line, JSON, so tokens never show in a process list):
//   {tokens, chromium, localStorage{}, timeoutMs, timezoneId}.
// Then one JSON command a line; each gets one JSON answer line: {ok, result} or {ok: false, error}.
//   goto {url}                      open a page, wait for the network to settle
//   click/fill/type/check/uncheck/press/scroll/wait/count/text/value {target, ...}
//   evaluate {target, expression, arg}  run a function on the element (reads a form's data)
//   screenshot {path, fullPage}     also on demand after a failure
//   resize {width, height}          the viewport (a dialog grows with it, so a picture shows more)
//   status                          {url, title, blocked[], consoleErrors[]}
// A target is a list of steps, each narrowing the last: {role, name} | {label} | {text} |
// {css} | {placeholder}, with optional exact, hasText (matchCase), nth. Playwright's locators pierce the
// frontend's open shadow roots. Every request not to 127.0.0.1 is refused (and listed in blocked).
import { createInterface } from "node:readline";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const LOOPBACK = /^(https?|wss?):\/\/127\.0\.0\.1(:\d+)?\//;
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Names never resolve: only the literal loopback address is reachable.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })[
  Symbol.asyncIterator
]();
const start = JSON.parse((await lines.next()).value);
const timeout = start.timeoutMs ?? 30000;
const profile = await mkdtemp(join(tmpdir(), "eims-e2e-chromium-"));
const blocked = [];
const consoleErrors = [];
const context = await chromium.launchPersistentContext(profile, {
  executablePath: start.chromium,
  headless: true,
  args: FLAGS,
  viewport: { width: 1280, height: 900 },
  locale: "en-GB",
  timezoneId: start.timezoneId,
});
context.setDefaultTimeout(timeout);

// The text a user sees in an element, its shadow roots and slots included, one block a line.
function deepText(element) {
  const BLOCK = /^(block|flex|grid|list-item|table)/;
  function walk(node) {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE) return "";
    if (["STYLE", "SCRIPT", "TEMPLATE"].includes(node.tagName)) return "";
    const style = getComputedStyle(node);
    if (style.display === "none" || style.visibility === "hidden") return "";
    let inner;
    if (node.tagName === "SLOT") inner = node.assignedNodes({ flatten: true });
    else inner = (node.shadowRoot ?? node).childNodes;
    let content = [...inner].map(walk).join("");
    if (["INPUT", "TEXTAREA"].includes(node.tagName) && node.type !== "hidden") {
      content += ` ${node.value} `;
    }
    return BLOCK.test(style.display) ? `\n${content}\n` : content;
  }
  return walk(element)
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n");
}

function locate(page, target) {
  let locator = page;
  for (const step of target) {
    const exact = step.exact ?? false;
    if (step.role) locator = locator.getByRole(step.role, { name: step.name, exact });
    else if (step.label) locator = locator.getByLabel(step.label, { exact });
    else if (step.text) locator = locator.getByText(step.text, { exact });
    else if (step.placeholder) locator = locator.getByPlaceholder(step.placeholder, { exact });
    else locator = locator.locator(step.css);
    if (step.hasText) {
      // A RegExp matches case-sensitively: "Port" is not the "port" of another field's help.
      const escaped = step.hasText.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const hasText = step.matchCase ? new RegExp(escaped) : step.hasText;
      locator = locator.filter({ hasText });
    }
    if (step.nth !== undefined) locator = locator.nth(step.nth);
  }
  return locator;
}

async function run(page, command) {
  const target = command.target ? locate(page, command.target) : null;
  const one = target?.first();
  switch (command.action) {
    case "goto":
      await page.goto(command.url, { waitUntil: "load" });
      await page.waitForLoadState("networkidle");
      return page.url();
    case "click":
      await one.click();
      return null;
    case "fill":
      await one.fill(command.value);
      return null;
    case "check":
      await one.check();
      return null;
    case "uncheck":
      await one.uncheck();
      return null;
    case "type":
      await one.pressSequentially(command.value);
      return null;
    case "press":
      await (one ?? page.keyboard).press(command.key);
      return null;
    case "scroll":
      await one.scrollIntoViewIfNeeded();
      return null;
    case "wait":
      await one.waitFor({ state: command.state ?? "visible" });
      return null;
    case "count":
      return await target.count();
    case "text":
      return await one.evaluate(deepText);
    case "evaluate":
      // A function given as text: Playwright would evaluate a string as an expression.
      return await one.evaluate(new Function(`return (${command.expression});`)(), command.arg);
    case "value":
      return await one.inputValue();
    case "settle":
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(command.ms ?? 300);
      return null;
    case "resize":
      await page.setViewportSize({ width: command.width, height: command.height });
      return null;
    case "screenshot":
      await page.screenshot({ path: command.path, fullPage: command.fullPage ?? false });
      return command.path;
    case "status":
      return { url: page.url(), title: await page.title(), blocked, consoleErrors };
    default:
      throw new Error(`unknown action ${command.action}`);
  }
}

try {
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (LOOPBACK.test(url) || url.startsWith("data:") || url.startsWith("blob:")) {
      return route.continue();
    }
    blocked.push(url);
    return route.abort();
  });
  // The frontend reads its login from localStorage before it asks anyone.
  // Other frontend settings (the sidebar's, say) are kept there too, JSON-encoded.
  await context.addInitScript(
    ({ tokens, settings }) => {
      if (window.location.origin === tokens.hassUrl) {
        window.localStorage.setItem("hassTokens", JSON.stringify(tokens));
        for (const [key, value] of Object.entries(settings)) {
          window.localStorage.setItem(key, JSON.stringify(value));
        }
      }
    },
    { tokens: start.tokens, settings: start.localStorage ?? {} },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  process.stdout.write(JSON.stringify({ ok: true, result: "ready" }) + "\n");
  for await (const line of { [Symbol.asyncIterator]: () => lines }) {
    if (!line.trim()) continue;
    const command = JSON.parse(line);
    let answer;
    try {
      answer = { ok: true, result: (await run(page, command)) ?? null };
    } catch (error) {
      answer = { ok: false, error: String(error?.message ?? error) };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  }
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
}
