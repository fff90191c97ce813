// The studio's simulate pane runs here, off the page's thread (docs/studio.md): the playbook's IR
// on the events of a JSON Lines file, as `playbook simulate` runs it, with progress reported
// every few hundred lines, and the report's data at the end. The page asks the studio to render
// the data as the HTML report of `simulate --format html` (src/report/).
import { ReportCollector } from '../../report/collector.js';
import { createRuntime } from '../../runtime/runtime.js';

const STEP = 250;

self.onmessage = (message) => {
  const { ir, text, file } = message.data;
  try {
    const rt = createRuntime(ir);
    const report = new ReportCollector(ir, { file });
    const summary = { read: 0, processed: 0, ignored: 0, bad: 0, duplicates: 0, stale: 0, late: 0, actions: 0 };
    const lines = text.split(/\r\n|\n|\r/);
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i];
      if (i % STEP === 0) self.postMessage({ progress: i / lines.length });
      if (raw.trim() === '') continue;
      const line = i + 1;
      summary.read++;
      let event;
      try {
        event = JSON.parse(raw);
      } catch {
        summary.bad++;
        report.noteInputProblem(line, 'skipped: not JSON');
        continue;
      }
      const r = rt.dispatchDetailed(event);
      report.observeEvent(event, r.actions, r.status, r.late);
      if (r.status === 'invalid') {
        summary.bad++;
        report.noteInputProblem(line, `skipped: ${r.reason ?? 'invalid event'}`);
      } else if (r.status === 'duplicate') summary.duplicates++;
      else if (r.status === 'stale') {
        summary.stale++;
        report.noteInputProblem(line, 'skipped: stale: older than the clock minus the horizon');
      } else if (r.status === 'ignored') summary.ignored++;
      else summary.processed++;
      if (r.late) {
        summary.late++;
        report.noteInputProblem(line, "late: older than the clock; processed at the clock's time");
      }
      summary.actions += r.actions.length;
    }
    self.postMessage({ progress: 1 });
    self.postMessage({ done: true, data: report.aggregate(rt, summary), summary });
  } catch (e) {
    self.postMessage({ error: String(e?.message ?? e) });
  }
};
