import type { MeasuredScripts } from './first-view-budget.mjs';
export declare const EMBED_BUDGET_BYTES: number;
export declare function measureSingleFile(libDir: string): Promise<MeasuredScripts>;
export declare function measureBundledConsumer(libDir: string, root?: string): Promise<MeasuredScripts>;
export declare function embedSummary(what: string, result: MeasuredScripts, budget?: number): string;
