// A node:test reporter that records each test's outcome (suites aside) as one JSON line in
// $BERTH_TEST_SUMMARY_FILE, written synchronously as it happens (--test-force-exit ends the
// process before a reporter's own output is flushed). scripts/run-tests.mjs adds the lines up
// and says how many were skipped: "0 failed" says little if half the suites skipped.
import fs from 'node:fs';

export default async function* summary(source) {
  const file = process.env.BERTH_TEST_SUMMARY_FILE;
  for await (const event of source) {
    if (file === undefined) continue;
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite') continue;
    const outcome =
      data.skip !== undefined && data.skip !== false
        ? 'skipped'
        : data.todo !== undefined && data.todo !== false
          ? 'todo'
          : event.type === 'test:pass'
            ? 'passed'
            : 'failed';
    const reason = typeof data.skip === 'string' ? ` (${data.skip})` : '';
    fs.appendFileSync(file, `${JSON.stringify({ outcome, name: `${data.name}${reason}` })}\n`);
  }
  yield '';
}
