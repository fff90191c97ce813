/** The HTML report of a simulation (`playbook simulate --format html --out FILE`). */
export { ReportCollector, type EventStatus, type ReportOptions } from './collector.js';
export { actionSummary, describeTimer } from './describe.js';
export type { FinalState } from './final-state.js';
export { renderReport, chartJsBundle } from './render.js';
export type { ChartSpec } from './render-parts.js';
export { simulateToReport, type SimulateToReportOptions, type SimulatedReport } from './run.js';
export { escapeHtml, jsonForScript, inlineScriptSource } from './escape.js';
export type * from './model.js';
