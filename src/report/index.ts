/** The HTML report of a simulation (`playbook simulate --format html --out FILE`). */
export { ReportCollector, actionSummary, describeTimer, type EventStatus, type FinalState, type ReportOptions } from './collector.js';
export { renderReport, chartJsBundle, type ChartSpec } from './render.js';
export { simulateToReport, type SimulateToReportOptions, type SimulatedReport } from './run.js';
export { escapeHtml, jsonForScript, inlineScriptSource } from './escape.js';
export type * from './model.js';
