import type { ModelRecord } from '@mlc-ai/web-llm';
export declare const HUB_MODELS: Record<string, { library: string }>;
export declare function hubModelRecords(hubBase: string): ModelRecord[];
export declare function chatConfig(name: string): Record<string, unknown>;
import type { IncomingMessage, ServerResponse } from 'node:http';
export declare function createLocalHub(): {
  /** Serves /hub/… and returns true; returns false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  log: string[];
};
