export declare const FIRST_VIEW_BUDGET_BYTES: number;
export interface FirstViewFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}
export interface FirstView {
  page: string;
  files: FirstViewFile[];
  /** Each file's text, by its path inside the build. */
  code: Map<string, string>;
  gzipBytes: number;
  bytes: number;
}
export declare function eagerScripts(html: string): string[];
export declare function staticImports(code: string): string[];
export declare function measureFirstView(outDir: string, options?: { page?: string; base?: string }): Promise<FirstView>;
export declare function summary(result: FirstView, budget?: number): string;
export declare function details(result: FirstView): string;
export declare function firstViewBudget(options?: { page?: string; budget?: number }): import('vite').Plugin;
