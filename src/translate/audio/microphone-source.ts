/**
 * Live speech from the microphone. vad-web's MicVAD does the audio work (capture through an
 * AudioWorklet, conversion to 16 kHz, Silero on every 32 ms frame, cutting utterances); this class
 * asks for the microphone, turns what MicVAD reports into our listener's events, and turns every
 * failure into a SourceError. Nothing is thrown: start() and stop() always resolve.
 */
import { MicVAD } from '@ricky0123/vad-web';
import type { SourceListener, SpeechSource } from '../types.js';
import { safeListener } from './safe-listener.js';
import { prepareVoiceDetection } from './silero-model.js';
import { audioNotAllowedYet, microphoneError, microphoneLost, microphoneUnsupported, vadFailed } from './source-errors.js';
import { UtteranceTracker } from './utterance-tracker.js';
import { configureOnnxRuntime, vadAssetFolder } from './vad-assets.js';
import { CAPTION_VAD_TUNING, PRE_SPEECH_PAD_FRAMES, VAD_MODEL } from './vad-tuning.js';

export interface MicrophoneSourceOptions {
  /** A particular microphone (MediaDeviceInfo.deviceId); the system's default otherwise. */
  deviceId?: string;
}

/** How long a suspended AudioContext gets to start before we say the browser is holding sound back. */
const AUDIO_START_GRACE_MS = 1000;

/** What one start() set up, so stop() can take it all down. */
interface Listening {
  vad?: MicVAD;
  context?: AudioContext;
  stream?: MediaStream;
}

export class MicrophoneSource implements SpeechSource {
  readonly kind = 'microphone';
  /** The current start()'s resources; replaced by stop(), which is how a start() still under way learns it was cancelled. */
  private listening: Listening = {};

  constructor(private readonly options: MicrophoneSourceOptions = {}) {}

  /**
   * Loads the speech detector ahead of time (onnxruntime and the model), so start() begins
   * listening at once: worth calling when the translation view opens. Never rejects; a failure is
   * reported by the next start().
   */
  async prepare(): Promise<void> {
    await prepareVoiceDetection().catch(() => undefined);
  }

  /** Resolves once audio is flowing into speech detection, or once listener.error has been told why not. */
  async start(listener: SourceListener): Promise<void> {
    await this.stop();
    const session: Listening = {};
    this.listening = session;
    const cancelled = () => this.listening !== session;
    const notify = safeListener(listener);
    const fail = async (error: Parameters<typeof notify.error>[0]) => {
      await this.release(session);
      if (this.listening === session) this.listening = {};
      notify.error(error);
    };

    const mediaDevices = globalThis.navigator?.mediaDevices;
    if (!mediaDevices?.getUserMedia || typeof AudioContext === 'undefined') return fail(microphoneUnsupported());
    const folder = vadAssetFolder();
    if (!folder) return fail(vadFailed(new Error('the worklet and the model are not served from one folder; see vite.config.ts')));

    // Ask for the microphone and load the detector together: the permission prompt appears at
    // once, and the runtime downloads while the person reads it.
    const [opened, prepared] = await Promise.allSettled([this.openMicrophone(mediaDevices), prepareVoiceDetection()]);
    if (opened.status === 'fulfilled') session.stream = opened.value;
    if (cancelled()) return this.release(session);
    if (opened.status === 'rejected') return fail(microphoneError(opened.reason));
    if (prepared.status === 'rejected') return fail(vadFailed(prepared.reason));
    const stream = opened.value;

    const tracker = new UtteranceTracker(notify, PRE_SPEECH_PAD_FRAMES);
    // Ours rather than MicVAD's, so we can resume it (autoplay rules) and always close it.
    session.context = new AudioContext();
    try {
      session.vad = await MicVAD.new({
        ...CAPTION_VAD_TUNING,
        model: VAD_MODEL,
        baseAssetPath: folder,
        onnxWASMBasePath: folder, // replaced by configureOnnxRuntime, which names each file
        ortConfig: configureOnnxRuntime,
        audioContext: session.context,
        startOnLoad: false,
        processorType: 'auto', // an AudioWorklet wherever there is one
        getStream: async () => stream,
        pauseStream: async (paused) => stopTracks(paused),
        resumeStream: () => this.openMicrophone(mediaDevices),
        onFrameProcessed: (probabilities, frame) => tracker.frame(frame, probabilities.isSpeech),
        onSpeechStart: () => tracker.speechStart(),
        onSpeechRealStart: () => tracker.speechConfirmed(),
        onVADMisfire: () => tracker.misfire(),
        onSpeechEnd: (audio) => tracker.speechEnd(audio),
      });
      await session.vad.start();
    } catch (error) {
      if (session.vad && !session.vad.listening) session.vad = undefined; // never started: nothing to destroy
      return cancelled() ? this.release(session) : fail(vadFailed(error));
    }
    if (cancelled()) return this.release(session);

    if (session.context.state !== 'running') {
      await Promise.race([session.context.resume(), new Promise((resolve) => setTimeout(resolve, AUDIO_START_GRACE_MS))]);
      if (cancelled()) return this.release(session);
      if ((session.context.state as AudioContextState) !== 'running') return fail(audioNotAllowedYet());
    }
    // The track ends by itself only when the device goes away (our own stop() does not fire it).
    stream.getAudioTracks()[0]?.addEventListener('ended', () => {
      if (cancelled()) return;
      void this.stop().then(() => notify.error(microphoneLost()));
    });
  }

  /** Stops listening and lets go of the microphone; speech in progress is delivered as a last segment. */
  async stop(): Promise<void> {
    const session = this.listening;
    this.listening = {};
    await this.release(session);
  }

  private async release(session: Listening): Promise<void> {
    const { vad, context, stream } = session;
    session.vad = session.context = session.stream = undefined;
    if (vad) await vad.destroy().catch((error: unknown) => console.warn('Stopping speech detection failed', error));
    if (stream) stopTracks(stream);
    if (context) await context.close().catch(() => undefined);
  }

  private openMicrophone(mediaDevices: MediaDevices): Promise<MediaStream> {
    return mediaDevices.getUserMedia({
      audio: {
        deviceId: this.options.deviceId ? { exact: this.options.deviceId } : undefined,
        channelCount: 1,
        // The browser's voice processing, as vad-web asks for it: steadier levels and less
        // background noise help both Silero and the recogniser in a noisy room.
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
      },
    });
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
