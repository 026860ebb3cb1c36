// Runs once before all test files: names this run, so its databases and Redis keys are its own.
export default async function globalSetup() {
  process.env.TEST_RUN_ID = `${Date.now().toString(36)}${process.pid.toString(36)}`;
}
