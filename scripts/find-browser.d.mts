export declare function findBrowser(): string;
export declare function chromiumArgs(options?: { webgpu?: boolean }): string[];
