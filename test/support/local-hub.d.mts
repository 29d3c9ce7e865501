import type { ModelRecord } from '@mlc-ai/web-llm';
export declare const HUB_MODELS: Record<string, { library: string }>;
export declare function hubModelRecords(hubBase: string): ModelRecord[];
export declare function chatConfig(name: string): Record<string, unknown>;
