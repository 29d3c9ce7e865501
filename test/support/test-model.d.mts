/** Types for test-model.mjs, which browser tests import too. */
export declare const TEST_MODEL: Readonly<{
  file: string;
  sha256: string;
  bytes: number;
  package: string;
  version: string;
  license: string;
  member: string;
}>;
export declare const TEST_MODEL_HUB_FILE: string;
export declare const TEMPLATE_TOKENS: readonly string[];
/** Node only, like the functions below. */
export declare function testModelDir(): string;
export declare function testModelPath(): string;
export declare function testModelPresent(): boolean;
export declare function sha256OfFile(path: string): Promise<string>;
