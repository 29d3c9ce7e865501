/**
 * The microphone source beyond cutting speech (segmentation.test.ts): stopping mid-sentence, and
 * failures reaching the listener as our error codes with words for the person. Real browser
 * refusals where headless Chromium can produce them; the rest through the mapping itself.
 */
import { expect } from '@open-wc/testing';
import { MicrophoneSource } from '../../src/translate/audio/microphone-source.js';
import { microphoneError } from '../../src/translate/audio/source-errors.js';
import type { SourceError } from '../../src/translate/types.js';
import { waitFor } from '../support/dom.js';
import { recordEvents, sleep } from './record-events.js';

describe('the microphone source', () => {
  it('delivers the sentence in progress as a last segment when stopped mid-sentence', async () => {
    const source = new MicrophoneSource();
    await source.prepare();
    const recording = recordEvents();
    await source.start(recording.listener);
    await waitFor(() => recording.starts.length > 0, 'the first sentence to start', 20_000);
    await sleep(1000);

    await source.stop();
    const reported = recording.order.length;
    await sleep(1000);

    expect(recording.errors).to.deep.equal([]);
    expect(recording.segments).to.have.length(1);
    const [segment] = recording.segments;
    expect(segment.id).to.equal(1);
    // Cut where we stopped: about a second of speech after the start, not the whole sentence (3 s).
    expect(segment.endMs - recording.starts[0].atMs).to.be.within(900, 2000);
    expect(recording.order.length).to.equal(reported); // nothing after stop
  });

  it('a microphone that is not there is reported as microphone-missing', async () => {
    const recording = recordEvents();

    await new MicrophoneSource({ deviceId: 'a-microphone-that-was-unplugged' }).start(recording.listener);

    expect(recording.errors.map((e) => e.code)).to.deep.equal(['microphone-missing']);
    expect(recording.errors[0].message).to.equal('No microphone was found.');
    expect(recording.order).to.deep.equal(['error']);
  });

  it('a page the browser refuses the microphone is reported as microphone-denied', async () => {
    // The fake UI grants every prompt, so the refusal comes from a permissions policy instead: a
    // frame whose `allow` says no microphone gets the same NotAllowedError a denied prompt gives.
    const frame = document.createElement('iframe');
    frame.allow = "microphone 'none'";
    frame.srcdoc = `<script type="module">
      import { MicrophoneSource } from '/src/translate/audio/microphone-source.ts';
      const errors = [];
      await new MicrophoneSource().start({ error: (e) => errors.push(e) });
      parent.postMessage({ errors }, '*');
    </script>`;
    const reply = new Promise<SourceError[]>((resolve) =>
      addEventListener('message', (event) => resolve(event.data.errors), { once: true }),
    );
    document.body.append(frame);

    const errors = await reply;
    frame.remove();

    expect(errors.map((e) => e.code)).to.deep.equal(['microphone-denied']);
    expect(errors[0].hint).to.include('address bar');
  });

  it('tells the operating system’s refusal apart from the site setting', () => {
    const error = microphoneError(new DOMException('Permission denied by system', 'NotAllowedError'));

    expect(error.code).to.equal('microphone-denied');
    expect(error.hint).to.include('Privacy & Security');
  });

  it('says another app may be holding a microphone that will not start', () => {
    const error = microphoneError(new DOMException('Could not start audio source', 'NotReadableError'));

    expect(error.code).to.equal('microphone-missing');
    expect(error.hint).to.include('Another app');
  });

  it('treats an insecure or embedded page as denied, and says how to serve it', () => {
    const error = microphoneError(new DOMException('', 'SecurityError'));

    expect(error.code).to.equal('microphone-denied');
    expect(error.hint).to.include('https://');
  });
});
