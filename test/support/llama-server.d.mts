export declare const LLAMA_CPP_PYTHON_VERSION: string;
export declare const LLAMA_CPP_PYTHON: string;
export declare const SERVED_MODEL_ID: string;
export declare function wheelsDir(): string;
export declare function venvDir(): string;
export declare function serverPython(): string;
export interface LlamaServer {
  baseUrl: string;
  origin: string;
  readonly log: string;
  kill(): void;
  stop(): Promise<void>;
}
export declare function startLlamaServer(options?: { apiKey?: string; corsOrigins?: string[] }): Promise<LlamaServer>;
