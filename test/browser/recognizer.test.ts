/**
 * The speech-recognition worker's load path, for real (transformers.js in its worker), against the
 * local stand-in hub. Whisper's weights cannot be downloaded here, so the test follows the load up
 * to its clear error.
 */
import { expect } from '@open-wc/testing';
import { WhisperRecognizer, type RecognizerError } from '../../src/translate/recognizer.js';

describe('speech recognition worker', () => {
  it('asks the hub for Whisper and reports a clear download error when the model is not there', async () => {
    await fetch('/hub/__reset');
    const recognizer = new WhisperRecognizer(undefined, new URL('/hub/', location.href).href);

    const error = await recognizer.load('whisper-tiny', { device: 'wasm' }).then(
      () => undefined,
      (e: RecognizerError) => e,
    );
    recognizer.dispose();

    expect(error, 'the load must fail').to.exist;
    expect(error!.code).to.equal('recognizer-download-failed');
    expect(error!.message).to.equal('The speech recognition model could not be downloaded.');
    expect(error!.hint).to.include('typed text still works');
    const log: string[] = await (await fetch('/hub/__log')).json();
    expect(log.some((line) => line.startsWith('GET /hub/onnx-community/whisper-tiny/resolve/main/'))).to.equal(true);
  });
});
