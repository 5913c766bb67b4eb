// Firefox ESR driven by puppeteer-core over WebDriver BiDi, for tests/engines.py: one JSON command per line
// on stdin, one JSON answer per line on stdout ({ok: value} or {error: message}). Playwright cannot download
// its own Firefox here; this drives the one Debian installs. Usage: node tests/firefox.mjs /usr/bin/firefox-esr
import readline from "node:readline";
import puppeteer from "puppeteer-core";

const browser = await puppeteer.launch({ browser: "firefox", executablePath: process.argv[2], headless: true });
const page = await browser.newPage();
await page.setViewport({ width: 1280, height: 1000 });
const consoleErrors = [];
const notes = []; // the page's own console lines about how it started ("digitlab: ...")
page.on("console", (message) => {
  if (message.type() === "error") consoleErrors.push(message.text());
  if (message.text().startsWith("digitlab:")) notes.push(message.text());
});
page.on("pageerror", (error) => consoleErrors.push(`page error: ${error.message}`));

const ops = {
  goto: ({ url }) => page.goto(url).then(() => null),
  reload: () => page.reload().then(() => null),
  eval: ({ js }) => page.evaluate(js),
  wait: ({ js, timeout }) => page.waitForFunction(js, { timeout: timeout * 1000, polling: 100 }).then(() => null),
  click: ({ selector }) => page.click(selector),
  select: ({ selector, value }) => page.select(selector, value).then(() => null),
  async stroke({ selector, points }) {
    const element = await page.$(selector);
    await element.evaluate((node) => node.scrollIntoView({ block: "center" }));
    const box = await element.boundingBox();
    const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
    await page.mouse.move(...at(points[0]));
    await page.mouse.down();
    for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 2 });
    await page.mouse.up();
    return null;
  },
  console: () => consoleErrors,
  notes: () => notes,
  quit: () => browser.close().then(() => null),
};

for await (const line of readline.createInterface({ input: process.stdin })) {
  const command = JSON.parse(line);
  try {
    process.stdout.write(JSON.stringify({ ok: (await ops[command.op](command)) ?? null }) + "\n");
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error.message || error) }) + "\n");
  }
  if (command.op === "quit") process.exit(0);
}
