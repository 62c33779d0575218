// Open a Home Assistant page in Debian's headless Chromium, logged in, and screenshot it.
// Input (stdin, JSON, so tokens never show in a process list): {url, tokens, chromium,
// screenshot, fullPage, localStorage{}, waitForSelectors[], waitForTexts[], timeoutMs}.
// Output (stdout, JSON): {finalUrl, title, blocked[], consoleErrors[]}. Every request not to 127.0.0.1 is refused.
import { readFileSync } from "node:fs";
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

const input = JSON.parse(readFileSync(0, "utf8"));
const profile = await mkdtemp(join(tmpdir(), "eims-e2e-chromium-"));
const blocked = [];
const consoleErrors = [];
const context = await chromium.launchPersistentContext(profile, {
  executablePath: input.chromium,
  headless: true,
  args: FLAGS,
  viewport: { width: 1280, height: 900 },
});
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
    { tokens: input.tokens, settings: input.localStorage ?? {} },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  const timeout = input.timeoutMs ?? 60000;
  await page.goto(input.url, { waitUntil: "load", timeout });
  try {
    for (const selector of input.waitForSelectors ?? []) {
      await page.locator(selector).first().waitFor({ state: "visible", timeout });
    }
    for (const text of input.waitForTexts ?? []) {
      await page.getByText(text).first().waitFor({ state: "visible", timeout });
    }
    await page.waitForLoadState("networkidle", { timeout });
  } finally {
    // Also when waiting failed: the picture shows what the page got stuck on.
    await page.screenshot({ path: input.screenshot, fullPage: input.fullPage ?? true });
  }
  process.stdout.write(
    JSON.stringify({ finalUrl: page.url(), title: await page.title(), blocked, consoleErrors }),
  );
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
}
