/**
 * Speech from an audio file: decoded and converted to 16 kHz mono by the browser, then cut into
 * utterances by vad-web's NonRealTimeVAD with the same model and tuning as the microphone, and
 * reported through the same events. By default as fast as detection runs; with `realTime` at the
 * pace the audio would play, for demos and latency measurements.
 */
import { FrameProcessor, NonRealTimeVAD } from '@ricky0123/vad-web';
import type { FrameProcessorEvent, FrameProcessorInterface } from '@ricky0123/vad-web/dist/frame-processor.js';
import { SPEECH_SAMPLE_RATE, type SourceListener, type SpeechSource } from '../types.js';
import { decodeToSpeechRate, readAudioBytes, type AudioInput } from './decode-audio.js';
import { safeListener } from './safe-listener.js';
import { loadSileroModel, vadRuntime, type SileroModel } from './silero-model.js';
import { fileUnreadable, vadFailed } from './source-errors.js';
import { trackFrameEvent, UtteranceTracker } from './utterance-tracker.js';
import { SILERO_MODEL_URL } from './vad-assets.js';
import { CAPTION_VAD_TUNING, FRAME_SAMPLES, MS_PER_FRAME, PRE_SPEECH_PAD_FRAMES } from './vad-tuning.js';

export interface FileSourceOptions {
  /** Report speech as the audio would be heard, frame by frame in real time. Default: as fast as possible. */
  realTime?: boolean;
}

/** Thrown inside the frame loop to leave NonRealTimeVAD.run() early when stop() is called. */
class Stopped extends Error {}

/** In fast mode, give the page a turn this often: Silero runs on the main thread. */
const YIELD_EVERY_MS = 12;

function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

export class FileSource implements SpeechSource {
  readonly kind = 'file';
  private stopped = false;
  private run: Promise<void> = Promise.resolve();

  constructor(
    private readonly input: AudioInput,
    private readonly options: FileSourceOptions = {},
  ) {}

  /** Settles once the whole file has been processed, reading it failed, or stop() took effect. */
  get finished(): Promise<void> {
    return this.run;
  }

  /**
   * Resolves once the file is decoded and detection has begun, or once listener.error has been
   * told why it could not. Starting again reads the file again from the beginning.
   */
  async start(listener: SourceListener): Promise<void> {
    await this.stop();
    this.stopped = false;
    let began!: () => void;
    const beginning = new Promise<void>((resolve) => (began = resolve));
    this.run = this.process(safeListener(listener), began).finally(began);
    await beginning;
  }

  /** Stops at the next frame; speech in progress is dropped (a file can simply be started again). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.run;
  }

  private async process(notify: Required<SourceListener>, began: () => void): Promise<void> {
    let audio: Float32Array;
    try {
      audio = await decodeToSpeechRate(await readAudioBytes(this.input));
    } catch (error) {
      notify.error(fileUnreadable(this.input instanceof File ? this.input.name : undefined, error));
      return;
    }
    if (this.stopped) return;
    let model: SileroModel;
    try {
      model = await loadSileroModel();
    } catch (error) {
      notify.error(vadFailed(error));
      return;
    }
    try {
      began();
      await this.detect(audio, model, notify);
    } catch (error) {
      if (!(error instanceof Stopped)) notify.error(vadFailed(error));
    } finally {
      await model.release();
    }
  }

  private async detect(audio: Float32Array, model: SileroModel, notify: Required<SourceListener>): Promise<void> {
    const tracker = new UtteranceTracker(notify, PRE_SPEECH_PAD_FRAMES);
    const frames = new FrameProcessor(model.process, model.reset_state, CAPTION_VAD_TUNING, MS_PER_FRAME);
    frames.resume();

    // Every event reaches our tracker as well as NonRealTimeVAD: run() itself only yields finished
    // segments, and the listener also wants the start of speech and the growing utterance.
    const observe =
      (handle: (event: FrameProcessorEvent) => void) =>
      (event: FrameProcessorEvent): void => {
        trackFrameEvent(tracker, event);
        handle(event);
      };
    const started = performance.now();
    let lastYield = started;
    let framesSeen = 0;
    const observed: FrameProcessorInterface = {
      resume: () => frames.resume(),
      process: async (frame, handle) => {
        if (this.stopped) throw new Stopped();
        framesSeen++;
        if (this.options.realTime) {
          // Deliver each frame once it would have been fully heard.
          const due = started + framesSeen * MS_PER_FRAME;
          while (performance.now() < due && !this.stopped) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
          if (this.stopped) throw new Stopped();
        } else if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await yieldToPage();
          lastYield = performance.now();
        }
        await frames.process(frame, observe(handle));
      },
      endSegment: (handle) => frames.endSegment(observe(handle)),
    };

    // NonRealTimeVAD.new() would load v4 ("legacy") on onnxruntime's full build; its constructor
    // takes our v5 model (already loaded, hence no fetcher) and frame processor instead.
    const alreadyLoaded = () => Promise.reject(new Error('the model is already loaded'));
    const vad = new NonRealTimeVAD(alreadyLoaded, vadRuntime, { ...CAPTION_VAD_TUNING, modelURL: SILERO_MODEL_URL, modelFetcher: alreadyLoaded }, observed);
    // Its constructor also assumes v4's 1536-sample frames; v5 judges 512 at a time.
    vad.frameSamples = FRAME_SAMPLES;
    for await (const segment of vad.run(audio, SPEECH_SAMPLE_RATE)) void segment; // already reported through `observe`
  }
}
