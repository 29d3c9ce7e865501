/**
 * Counting the model workers a page starts: web-llm's (named aperto-llm) or llama.cpp's, which
 * wllama starts from a blob of its code (about 150 KB). (wllama also starts small short-lived
 * workers to write files into storage; those are not model workers.)
 */
import type { Page } from 'puppeteer-core';

/** Before the page loads: wrap `Worker` so each model worker it starts is noted. */
export async function watchModelWorkers(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { __modelWorkers: string[] };
    w.__modelWorkers = [];
    const blobSizes = new Map<string, number>();
    const createObjectURL = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (object: Blob | MediaSource) => {
      const url = createObjectURL(object);
      if (object instanceof Blob) blobSizes.set(url, object.size);
      return url;
    };
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        const isModelWorker = options?.name === 'aperto-llm' || (blobSizes.get(String(url)) ?? 0) > 100_000;
        if (isModelWorker) w.__modelWorkers.push(String(url));
      }
    };
  });
}

/** The model workers started so far (their script or blob URLs). */
export function modelWorkers(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __modelWorkers: string[] }).__modelWorkers);
}
