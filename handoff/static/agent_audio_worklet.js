// The console's side of a phone call, in the audio thread. The AudioContext runs at 8 kHz, as the
// line does, so the browser resamples the microphone and the speaker for us; here we only cut the microphone
// into 20 ms G.711 mu-law frames and play the caller's mu-law frames from a small buffer.
const FRAME = 160;
const LEVEL_EVERY = 1600;  // a level report to the page every 200 ms
const MAX_LAG = 960;  // at most 120 ms of the caller waits to be played: beyond, the oldest is dropped
const ONSET_ON = 0.05, ONSET_OFF = 0.02;  // frame RMS that starts / ends a sound (for the mouth-to-ear figure)
const ENDS = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF];

function encode(sample) {  // G.711 as voice/line/codec.py does it (top 14 bits)
  const x = Math.max(-32768, Math.min(32767, Math.round(sample * 32767))) >> 2;
  const mask = x < 0 ? 0x7F : 0xFF;
  const magnitude = Math.min(Math.abs(x), 8159) + 0x21;
  let segment = 0;
  while (segment < 8 && magnitude > ENDS[segment]) segment++;
  const code = segment >= 8 ? 0x7F : (segment << 4) | ((magnitude >> (segment + 1)) & 0x0F);
  return code ^ mask;
}

function decode(byte) {
  const u = ~byte & 0xFF;
  const magnitude = ((((u & 0x0F) << 3) + 0x84) << ((u >> 4) & 0x07)) - 0x84;
  return ((u & 0x80) ? -magnitude : magnitude) / 32768;
}

class AgentLine extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Uint8Array(FRAME);
    this.filled = 0;
    this.muted = false;
    this.ring = new Float32Array(8000);  // 1 s of the caller; a late browser drops the oldest
    this.read = 0;
    this.write = 0;
    this.sentSquares = 0; this.heardSquares = 0; this.counted = 0;
    this.frameSent = 0; this.frameHeard = 0; this.loud = { sent: false, heard: false };
    this.port.onmessage = (event) => {
      const message = event.data;
      if (message.type === "mute") this.muted = message.muted;
      else if (message.type === "play") for (const byte of message.data) this.push(decode(byte));
    };
  }

  push(sample) {
    this.ring[this.write] = sample;
    this.write = (this.write + 1) % this.ring.length;
    const buffered = (this.write - this.read + this.ring.length) % this.ring.length;
    if (buffered > MAX_LAG || this.write === this.read) this.read = (this.read + 1) % this.ring.length;
  }

  onset(side, squares, at) {  // when a sound starts on either side, in the audio clock (seconds)
    const rms = Math.sqrt(squares / FRAME);
    if (!this.loud[side] && rms > ONSET_ON) { this.loud[side] = true; this.port.postMessage({ type: "onset", side, at }); }
    else if (this.loud[side] && rms < ONSET_OFF) this.loud[side] = false;
  }

  process(inputs, outputs) {
    const input = inputs[0] && inputs[0][0];
    const output = outputs[0] && outputs[0][0];
    const n = output ? output.length : (input ? input.length : 128);
    for (let i = 0; i < n; i++) {
      const mic = this.muted || !input ? 0 : input[i];
      this.frame[this.filled++] = encode(mic);
      this.frameSent += mic * mic;
      if (this.filled === FRAME) {
        const at = currentTime + i / sampleRate;
        this.onset("sent", this.frameSent, at);
        this.onset("heard", this.frameHeard, at);
        this.frameSent = 0; this.frameHeard = 0;
        if (!this.muted) this.port.postMessage({ type: "frame", frame: this.frame.buffer }, [this.frame.buffer]);
        this.frame = new Uint8Array(FRAME);
        this.filled = 0;
      }
      let heard = 0;
      if (this.read !== this.write) { heard = this.ring[this.read]; this.read = (this.read + 1) % this.ring.length; }
      if (output) for (const channel of outputs[0]) channel[i] = heard;
      this.frameHeard += heard * heard;
      this.sentSquares += mic * mic; this.heardSquares += heard * heard;
      if (++this.counted === LEVEL_EVERY) {
        this.port.postMessage({ type: "level", sent: Math.sqrt(this.sentSquares / LEVEL_EVERY),
                                heard: Math.sqrt(this.heardSquares / LEVEL_EVERY) });
        this.sentSquares = 0; this.heardSquares = 0; this.counted = 0;
      }
    }
    return true;
  }
}

registerProcessor("agent-line", AgentLine);
