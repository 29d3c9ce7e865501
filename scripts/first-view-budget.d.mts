export declare const FIRST_VIEW_BUDGET_BYTES: number;
export interface FirstViewFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}
/** Scripts and their static imports, measured. */
export interface MeasuredScripts {
  files: FirstViewFile[];
  /** Each file's text, by its path inside the build. */
  code: Map<string, string>;
  gzipBytes: number;
  bytes: number;
}
export interface FirstView extends MeasuredScripts {
  page: string;
}
export declare function eagerScripts(html: string): string[];
export declare function staticImports(code: string): string[];
export declare function measureFirstView(outDir: string, options?: { page?: string; base?: string }): Promise<FirstView>;
export declare function measureModule(outDir: string, file: string): Promise<MeasuredScripts>;
export declare function kB(bytes: number): string;
export declare function summary(result: FirstView, budget?: number): string;
export declare function details(result: MeasuredScripts): string;
export declare function firstViewBudget(options?: { page?: string; budget?: number }): import('vite').Plugin;
