/** The browser-test harness: import everything a console suite needs from here. */
export { ENGINES } from '../../../server/test/harness.js';
export { waitFor } from '../../../server/test/server-process.js';
export { Arrange, contactUpdates, type ArrangedRun, type IntegrationOptions } from './arrange.js';
export {
  CHROMIUM,
  CHROMIUM_ARGS,
  describeProblems,
  launchBrowser,
  openTestPage,
  type PageProblems,
} from './browser.js';
export { expectAccessible, screenshot, screenshotPath, SCREENSHOTS } from './checks.js';
export {
  assertConsoleBuilt,
  CONSOLE_DIST,
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  startConsoleServer,
  testPort,
  type ConsoleServer,
  type ConsoleServerOptions,
  type DemoAccount,
} from './console-server.js';
export {
  fillSignIn,
  pathOf,
  signIn,
  signInQuickly,
  useConsole,
  waitForPath,
  waitForScreen,
  type ConsoleSuite,
} from './e2e.js';
